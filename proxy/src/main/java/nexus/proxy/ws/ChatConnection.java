package nexus.proxy.ws;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.chat.ClientGoneException;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.shared.error.ApiError;

/**
 * One WebSocket connection: its frames queue up as they arrive and are answered one after another, in order, on the
 * connection's own virtual thread, so the socket's threads never wait for an upstream. Once closed, the upstream call
 * it runs is cancelled by the watchdog. Thread-safe.
 */
final class ChatConnection {

    /** How many requests may wait behind the running one before the connection is closed as abusive. */
    static final int MAX_WAITING = 32;
    private static final Logger log = LoggerFactory.getLogger(ChatConnection.class);
    private static final Runnable STOP = () -> { };

    private final String name;
    private final WsChatHandler handler;
    private final ConnectionState state;
    private final WsSink sink;
    private final BlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>(MAX_WAITING);
    private volatile boolean closed;

    private ChatConnection(String name, WsChatHandler handler, ConnectionState state, WsSink sink) {
        this.name = name;
        this.handler = handler;
        this.state = state;
        this.sink = sink;
    }

    /** A connection that serves its frames from now until {@link #close}, its upstream calls under the watchdog. */
    static ChatConnection open(String name, WsChatHandler handler, ConnectionState state, WsSink sink,
                               UpstreamWatchdog watchdog) {
        ChatConnection connection = new ChatConnection(name, handler, state, sink);
        Thread.ofVirtual().name("ws-chat-" + name).start(() -> {
            try (var serving = watchdog.serving(() -> connection.closed)) {
                connection.serve();
            }
        });
        return connection;
    }

    /** Queues a text frame: one chat request. Returns at once; false when {@link #MAX_WAITING} already wait. */
    boolean receive(String text) {
        return inbox.offer(() -> handler.answer(text, state, sink));
    }

    /** Queues the answer to a binary frame, which this endpoint does not take; false when too many wait. */
    boolean receiveBinary() {
        return inbox.offer(() -> sink.error(ApiError.invalidRequest(
                "Binary frames are not accepted; send each chat request as a text frame of JSON.", null)));
    }

    /** The client is gone: frames still queued are dropped, and the running request's upstream call is cancelled. */
    void close() {
        closed = true;
        inbox.offer(STOP);  // wakes the thread if it waits; a full inbox means it is busy and will see closed
    }

    private void serve() {
        try {
            while (true) {
                Runnable next = inbox.take();
                if (closed) {
                    return;
                }
                next.run();
            }
        } catch (ClientGoneException gone) {
            log.debug("WebSocket {} closed while it was being answered", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
