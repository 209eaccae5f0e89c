package nexus.proxy.ws;

import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Header;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.server.JettyServerUpgradeRequest;
import org.eclipse.jetty.ee10.websocket.server.JettyServerUpgradeResponse;
import org.eclipse.jetty.ee10.websocket.server.config.JettyWebSocketServletContainerInitializer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import nexus.proxy.BodyBudget;
import nexus.proxy.InFlight;
import nexus.proxy.chat.ChatFailover;
import nexus.proxy.chat.ChatService;
import nexus.proxy.chat.ClientGoneException;
import nexus.proxy.chat.ConversationIds;
import nexus.proxy.routing.RoutingTable;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.shared.config.NexusConfig;

/**
 * {@code WebSocket /ws/chat}, the edge: opens a {@link ChatSocketListener} per connection and sends its frames through
 * Jetty, one at a time and waiting for each. Served by Jetty's WebSocket container rather than a Javalin route: Javalin
 * hands a handler only whole messages, which Jetty assembles in memory before anyone could refuse them, while a
 * listener of its own sees each part as it arrives and holds it only while the memory budget has room. Thread-safe.
 */
public final class ChatSocket {

    public static final String PATH = "/ws/chat";
    private static final String CONVERSATION_QUERY = "conversation_id";

    private final WsChatHandler handler;
    private final UpstreamWatchdog watchdog;
    private final ObjectMapper mapper;
    private final BodyBudget budget;
    private final long maxFrameBytes;
    private final Duration idleTimeout;
    private final AtomicLong connectionNumbers = new AtomicLong();

    /**
     * Frames are limited to {@code maxRequestBytes} and held within {@code budget}; a connection silent longer than an
     * upstream may be is closed; the upstream call of a connection that closes is cancelled by the {@code watchdog}.
     */
    public ChatSocket(RoutingTable routing, ChatService chat, InFlight inFlight, UpstreamWatchdog watchdog,
                      ObjectMapper mapper, Clock clock, NexusConfig config, BodyBudget budget, ChatFailover failover) {
        this.handler = new WsChatHandler(routing, chat, inFlight, mapper, clock, failover);
        this.watchdog = watchdog;
        this.mapper = mapper;
        this.budget = budget;
        this.maxFrameBytes = config.maxRequestBytes();
        this.idleTimeout = config.upstreamReadTimeout();
    }

    /** Serves {@link #PATH} in the context: {@code javalin.jetty.modifyServletContextHandler(socket::install)}. */
    public void install(ServletContextHandler context) {
        JettyWebSocketServletContainerInitializer.configure(context,
                (servletContext, container) -> container.addMapping(PATH, this::open));
    }

    private ChatSocketListener open(JettyServerUpgradeRequest request, JettyServerUpgradeResponse response) {
        String conversationId = request.getHeader(ConversationIds.HEADER);
        if (conversationId == null || conversationId.isBlank()) {
            List<String> fromQuery = request.getParameterMap().get(CONVERSATION_QUERY);
            conversationId = fromQuery == null || fromQuery.isEmpty() ? null : fromQuery.getFirst();
        }
        ConnectionState state = new ConnectionState(request.getHeader(Header.AUTHORIZATION), conversationId);
        String name = Long.toString(connectionNumbers.incrementAndGet());
        return new ChatSocketListener(session -> {
            session.setIdleTimeout(idleTimeout);
            WsSink sink = new WsSink((text, await) -> send(session, text, await), mapper);
            return ChatConnection.open(name, handler, state, sink, budget, watchdog);
        }, budget, maxFrameBytes);
    }

    /** Jetty keeps the frames in order; waiting for each means a closed socket is seen at once. */
    private static void send(Session session, String text, boolean await) {
        if (!session.isOpen()) {
            throw new ClientGoneException(new ClosedChannelException());
        }
        if (!await) {
            session.sendText(text, Callback.NOOP);
            return;
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
