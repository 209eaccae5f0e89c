package nexus.proxy.ws;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.BodyBudget;
import nexus.proxy.chat.ClientGoneException;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.shared.error.ApiError;

/**
 * One WebSocket connection: its frames queue up as they arrive and are answered one after another, in order, on the
 * connection's own virtual thread, so the socket's threads never wait for an upstream. A frame holds its share of the
 * memory budget until it is answered or dropped. Once closed, the upstream call it runs is cancelled by the watchdog.
 * Thread-safe.
 */
final class ChatConnection {

    /** How many requests may wait behind the running one before the connection is closed as abusive. */
    static final int MAX_WAITING = 32;
    private static final Logger log = LoggerFactory.getLogger(ChatConnection.class);
    private static final Queued STOP = new Queued(() -> { }, 0);

    private final String name;
    private final WsChatHandler handler;
    private final ConnectionState state;
    private final WsSink sink;
    private final BodyBudget budget;
    private final BlockingQueue<Queued> inbox = new LinkedBlockingQueue<>(MAX_WAITING);
    private volatile boolean closed;

    /** One answer to give, and the budget its frame holds until then. */
    private record Queued(Runnable answer, long reservedBytes) {}

    private ChatConnection(String name, WsChatHandler handler, ConnectionState state, WsSink sink, BodyBudget budget) {
        this.name = name;
        this.handler = handler;
        this.state = state;
        this.sink = sink;
        this.budget = budget;
    }

    /** A connection that serves its frames from now until {@link #close}, its upstream calls under the watchdog. */
    static ChatConnection open(String name, WsChatHandler handler, ConnectionState state, WsSink sink,
                               BodyBudget budget, UpstreamWatchdog watchdog) {
        ChatConnection connection = new ChatConnection(name, handler, state, sink, budget);
        Thread.ofVirtual().name("ws-chat-" + name).start(() -> {
            try (var serving = watchdog.serving(() -> connection.closed)) {
                connection.serve();
            }
        });
        return connection;
    }

    /**
     * Queues a text frame, one chat request, holding {@code reservedBytes} of the budget until it is answered. Returns
     * at once; false, keeping nothing, when {@link #MAX_WAITING} already wait.
     */
    boolean receive(String text, long reservedBytes) {
        return inbox.offer(new Queued(() -> handler.answer(text, state, sink), reservedBytes));
    }

    /** Queues an error frame in answer to a frame that is not served (binary, over the budget); false when full. */
    boolean refuse(ApiError error) {
        return inbox.offer(new Queued(() -> sink.error(error), 0));
    }

    /** The client is gone: frames still queued are dropped, and the running request's upstream call is cancelled. */
    void close() {
        closed = true;
        dropQueued();
        inbox.offer(STOP);  // wakes the thread if it waits
    }

    private void serve() {
        try {
            while (!closed) {
                Queued next = inbox.take();
                try {
                    if (!closed) {
                        next.answer().run();
                    }
                } finally {
                    budget.release(next.reservedBytes());
                }
            }
        } catch (ClientGoneException gone) {
            log.debug("WebSocket {} closed while it was being answered", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            dropQueued();
        }
    }

    private void dropQueued() {
        for (Queued dropped = inbox.poll(); dropped != null; dropped = inbox.poll()) {
            budget.release(dropped.reservedBytes());
        }
    }
}
