package nexus.proxy.ws;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.BodyBudget;
import nexus.shared.error.ApiError;

/**
 * One connection of {@code /ws/chat} as Jetty delivers it: each text frame arrives in parts, held only while the memory
 * budget has room. A frame that does not fit is dropped as it arrives and answered with an {@code overloaded} error
 * frame, the connection staying open; a frame over the size limit closes it (1009, as Jetty would). Whole frames go to
 * the connection's {@link ChatConnection} with the budget they hold. Jetty calls it one event at a time; the methods
 * are synchronized for an error or close that comes from another thread.
 */
public final class ChatSocketListener implements Session.Listener.AutoDemanding {

    private static final Logger log = LoggerFactory.getLogger(ChatSocketListener.class);

    private final Function<Session, ChatConnection> opener;
    private final BodyBudget budget;
    private final long maxFrameBytes;
    private Session session;
    private ChatConnection connection;
    /** The frame being received: its parts while they fit the budget, its size and what it holds of the budget. */
    private final List<String> parts = new ArrayList<>();
    private long frameBytes;
    private long reservedBytes;
    private boolean overBudget;

    ChatSocketListener(Function<Session, ChatConnection> opener, BodyBudget budget, long maxFrameBytes) {
        this.opener = opener;
        this.budget = budget;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public synchronized void onWebSocketOpen(Session session) {
        this.session = session;
        this.connection = opener.apply(session);
    }

    @Override
    public synchronized void onWebSocketPartialText(String part, boolean last) {
        long bytes = utf8Length(part);
        frameBytes += bytes;
        if (frameBytes > maxFrameBytes) {
            dropFrame();
            session.close(StatusCode.MESSAGE_TOO_LARGE, "Text message too large: more than " + maxFrameBytes
                    + " bytes", Callback.NOOP);
            return;
        }
        if (!overBudget && budget.tryReserve(bytes)) {
            reservedBytes += bytes;
            parts.add(part);
        } else if (!overBudget) {
            dropFrame();
            overBudget = true;
        }
        if (last) {
            endFrame();
        }
    }

    /** Hands the whole frame to the connection, or an overloaded error in its place, and starts the next frame. */
    private void endFrame() {
        boolean queued = overBudget ? connection.refuse(ApiError.overloaded())
                : connection.receive(parts.size() == 1 ? parts.getFirst() : String.join("", parts), reservedBytes);
        if (!queued) {
            budget.release(reservedBytes);
            refuseWhenFull();
        }
        parts.clear();
        frameBytes = 0;
        reservedBytes = 0;
        overBudget = false;
    }

    /** This endpoint takes no binary frames: their parts are not kept, and each is answered with an error. */
    @Override
    public synchronized void onWebSocketPartialBinary(ByteBuffer payload, boolean last, Callback callback) {
        callback.succeed();
        if (last && !connection.refuse(ApiError.invalidRequest(
                "Binary frames are not accepted; send each chat request as a text frame of JSON.", null))) {
            refuseWhenFull();
        }
    }

    @Override
    public synchronized void onWebSocketClose(int statusCode, String reason) {
        closeConnection();
    }

    @Override
    public synchronized void onWebSocketError(Throwable cause) {
        log.debug("WebSocket {} failed", session, cause);
        closeConnection();  // Jetty closes the session after any error
    }

    private void closeConnection() {
        dropFrame();
        if (connection != null) {
            connection.close();
        }
    }

    /** Forgets the parts of the frame being received and gives back what they held. */
    private void dropFrame() {
        budget.release(reservedBytes);
        reservedBytes = 0;
        parts.clear();
    }

    /** A client that sends far ahead of its answers is cut off, so that it cannot fill our memory. */
    private void refuseWhenFull() {
        log.debug("WebSocket {} closed: more than {} requests waiting", session, ChatConnection.MAX_WAITING);
        session.close(StatusCode.POLICY_VIOLATION,
                "More than " + ChatConnection.MAX_WAITING + " requests are waiting on this connection.", Callback.NOOP);
    }

    /** The size of the text in UTF-8, as it came on the wire. */
    private static long utf8Length(String text) {
        long bytes = text.length();
        for (int index = 0; index < text.length(); index++) {
            char c = text.charAt(index);
            if (c >= 0x80) {
                bytes += c < 0x800 || Character.isSurrogate(c) ? 1 : 2;  // a surrogate pair is 4 bytes in all
            }
        }
        return bytes;
    }
}
