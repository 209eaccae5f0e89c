package nexus.proxy.video;

import java.io.IOException;
import java.io.OutputStream;

/** A video file on its way from the upstream to the client, read once by one thread. Closing it cancels the read. */
interface VideoContent extends AutoCloseable {

    /** The upstream's Content-Type. */
    String contentType();

    /** The length in bytes, or -1 when the upstream did not say. */
    long contentLength();

    /**
     * Copies the file to {@code out} as it arrives, never holding more than a buffer of it. A failed write throws
     * {@link nexus.proxy.chat.ClientGoneException}; a failed read throws
     * {@link nexus.proxy.upstream.StreamCutException} carrying the client's error.
     */
    void transferTo(OutputStream out) throws IOException;

    @Override
    void close();
}
