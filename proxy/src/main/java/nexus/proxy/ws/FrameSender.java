package nexus.proxy.ws;

/** Sends text frames to a WebSocket client, in the order they are given. Called by one thread at a time. */
@FunctionalInterface
interface FrameSender {

    /**
     * Sends one frame; throws ClientGoneException when the connection is already closed. With {@code await} it blocks
     * until the frame is written, and throws ClientGoneException when the connection broke meanwhile. Without, it only
     * queues the frame behind those before it: for the frame that ends an answer, since Jetty fails the write of a
     * frame already on the wire when the client's close arrives, so waiting could not tell whether the client read it.
     */
    void send(String text, boolean await);
}
