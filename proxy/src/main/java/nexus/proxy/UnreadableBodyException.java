package nexus.proxy;

import java.io.IOException;

/**
 * The client's request body could not be read: it ended before its Content-Length, its chunked framing is broken, or
 * it stopped arriving for longer than the connection may stay idle. The client's fault, answered with a 4xx.
 */
public final class UnreadableBodyException extends RuntimeException {

    public UnreadableBodyException(IOException cause) {
        super("The request body could not be read", cause, false, false);
    }

    @Override
    public synchronized IOException getCause() {
        return (IOException) super.getCause();
    }
}
