package nexus.proxy.chat;

/** The client closed its connection while we were writing to it. */
public final class ClientGoneException extends RuntimeException {

    public ClientGoneException(Throwable cause) {
        super("The client disconnected", cause, false, false);
    }
}
