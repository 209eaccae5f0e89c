package nexus.proxy.ws;

/** Sends one text frame to a WebSocket client and waits until it is written. Called by one thread at a time. */
@FunctionalInterface
interface FrameSender {

    /** Sends and blocks until the frame is out; throws ClientGoneException when the connection is closed or broke. */
    void send(String text);
}
