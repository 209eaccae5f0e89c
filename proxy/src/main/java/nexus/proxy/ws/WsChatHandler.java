package nexus.proxy.ws;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.AnswerHeaders;
import nexus.proxy.InFlight;
import nexus.proxy.RequestIds;
import nexus.proxy.chat.ChatCall;
import nexus.proxy.chat.ChatFailover;
import nexus.proxy.chat.ChatRequest;
import nexus.proxy.chat.ChatService;
import nexus.proxy.chat.ChunkSink;
import nexus.proxy.chat.ClientGoneException;
import nexus.proxy.routing.Caller;
import nexus.proxy.routing.Candidates;
import nexus.proxy.routing.Routes;
import nexus.proxy.routing.RoutingTable;
import nexus.proxy.routing.Target;
import nexus.shared.db.ModelType;
import nexus.shared.error.ApiError;

/**
 * Answers one request frame of {@code /ws/chat}: parse, authenticate, resolve, stream; every failure becomes one
 * error frame. The WebSocket twin of the chat completions handler. Thread-safe.
 */
final class WsChatHandler {

    static final String ENDPOINT = "ws.chat";
    private static final Logger log = LoggerFactory.getLogger(WsChatHandler.class);

    private final RoutingTable routing;
    private final ChatService chat;
    private final InFlight inFlight;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final ChatFailover failover;

    WsChatHandler(RoutingTable routing, ChatService chat, InFlight inFlight, ObjectMapper mapper, Clock clock,
                  ChatFailover failover) {
        this.failover = failover;
        this.routing = routing;
        this.chat = chat;
        this.inFlight = inFlight;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** Answers one frame into the sink; throws only ClientGoneException, when the client has left. */
    void answer(String text, ConnectionState connection, ChunkSink sink) {
        try {
            inFlight.enter();
            try {
                stream(text, connection, sink);
            } finally {
                inFlight.exit();
            }
        } catch (ClientGoneException gone) {
            throw gone;
        } catch (ApiError error) {
            log.debug("WebSocket request refused: {} {}", error.code(), error.getMessage());
            sink.error(error);
        } catch (RuntimeException bug) {
            String logId = Long.toHexString(ThreadLocalRandom.current().nextLong());
            log.error("Unhandled error {} on WebSocket /ws/chat", logId, bug);
            sink.error(ApiError.internal(logId));
        }
    }

    private void stream(String text, ConnectionState connection, ChunkSink sink) {
        long startNanos = System.nanoTime();
        ChatFrame frame = ChatFrame.parse(text, mapper);
        Routes routes = routing.current();
        Caller caller = connection.authenticate(frame.apiKey(), routes);
        String conversationId = connection.conversationId(frame.conversationId());
        ChatRequest request = ChatRequest.fromObject(null, frame.request());
        Candidates candidates = routes.candidates(caller, request.model(), ModelType.CHAT);
        ChatCall call = new ChatCall(RequestIds.create(), conversationId, caller.apiKey(), candidates.first(), request,
                ENDPOINT, startNanos, clock.millis(), null, caller.owner(),
                connection.conversationNamed(frame.conversationId()));
        failover.serve(call, candidates, true, target -> routing.billing().admitChat(caller, target, request),
                AnswerHeaders.NONE, (attempt, retryable) -> chat.stream(attempt, sink, retryable));
    }
}
