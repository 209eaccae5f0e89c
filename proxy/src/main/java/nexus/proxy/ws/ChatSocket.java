package nexus.proxy.ws;

import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Header;
import io.javalin.websocket.WsCloseStatus;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.InFlight;
import nexus.proxy.chat.ChatService;
import nexus.proxy.chat.ClientGoneException;
import nexus.proxy.chat.ConversationIds;
import nexus.proxy.routing.RoutingTable;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.shared.config.NexusConfig;

/**
 * {@code WebSocket /ws/chat}, the edge: turns Javalin's socket events into {@link ChatConnection}s and sends their
 * frames through Jetty, one at a time and waiting for each. The only class here that knows Javalin. Thread-safe.
 */
public final class ChatSocket {

    private static final Logger log = LoggerFactory.getLogger(ChatSocket.class);
    private static final String CONVERSATION_QUERY = "conversation_id";

    private final WsChatHandler handler;
    private final UpstreamWatchdog watchdog;
    private final ObjectMapper mapper;
    private final long maxFrameBytes;
    private final Duration idleTimeout;
    private final Map<String, ChatConnection> connections = new ConcurrentHashMap<>();

    /**
     * Frames are limited to {@code maxRequestBytes}; a connection silent longer than an upstream may be is closed; the
     * upstream call of a connection that closes is cancelled by the {@code watchdog}.
     */
    public ChatSocket(RoutingTable routing, ChatService chat, InFlight inFlight, UpstreamWatchdog watchdog,
                      ObjectMapper mapper, Clock clock, NexusConfig config) {
        this.handler = new WsChatHandler(routing, chat, inFlight, mapper, clock);
        this.watchdog = watchdog;
        this.mapper = mapper;
        this.maxFrameBytes = config.maxRequestBytes();
        this.idleTimeout = config.upstreamReadTimeout();
    }

    /** The handlers of the route: {@code javalin.routes.ws("/ws/chat", socket::configure)}. */
    public void configure(WsConfig ws) {
        ws.onConnect(this::connect);
        ws.onMessage(ctx -> refuseWhenFull(ctx, connection(ctx).receive(ctx.message())));
        ws.onBinaryMessage(ctx -> refuseWhenFull(ctx, connection(ctx).receiveBinary()));
        ws.onClose(this::disconnect);
        ws.onError(ctx -> {
            log.debug("WebSocket {} failed", ctx.sessionId(), ctx.error());
            disconnect(ctx);  // Jetty closes the session after any error
        });
    }

    private void connect(WsConnectContext ctx) {
        Session session = ctx.session;
        session.setMaxTextMessageSize(maxFrameBytes);
        session.setMaxBinaryMessageSize(maxFrameBytes);
        session.setIdleTimeout(idleTimeout);
        String conversationId = ctx.header(ConversationIds.HEADER);
        if (conversationId == null || conversationId.isBlank()) {
            conversationId = ctx.queryParam(CONVERSATION_QUERY);
        }
        ConnectionState state = new ConnectionState(ctx.header(Header.AUTHORIZATION), conversationId);
        WsSink sink = new WsSink(text -> sendAndWait(session, text), mapper);
        connections.put(ctx.sessionId(), ChatConnection.open(ctx.sessionId(), handler, state, sink, watchdog));
    }

    private void disconnect(WsContext ctx) {
        ChatConnection connection = connections.remove(ctx.sessionId());
        if (connection != null) {
            connection.close();
        }
    }

    private ChatConnection connection(WsContext ctx) {
        ChatConnection connection = connections.get(ctx.sessionId());
        if (connection == null) {
            throw new IllegalStateException("A frame arrived on WebSocket " + ctx.sessionId() + " before its connect");
        }
        return connection;
    }

    /** A client that sends far ahead of its answers is cut off, so that it cannot fill our memory. */
    private static void refuseWhenFull(WsContext ctx, boolean queued) {
        if (!queued) {
            log.debug("WebSocket {} closed: more than {} requests waiting", ctx.sessionId(), ChatConnection.MAX_WAITING);
            ctx.closeSession(WsCloseStatus.POLICY_VIOLATION,
                    "More than " + ChatConnection.MAX_WAITING + " requests are waiting on this connection.");
        }
    }

    /** Blocks until Jetty has written the frame, so frames keep their order and a closed socket is seen at once. */
    private static void sendAndWait(Session session, String text) {
        if (!session.isOpen()) {
            throw new ClientGoneException(new ClosedChannelException());
        }
        Callback.Completable written = new Callback.Completable();
        session.sendText(text, written);
        try {
            written.get();
        } catch (ExecutionException e) {
            throw new ClientGoneException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientGoneException(e);
        }
    }
}
