package nexus.proxy.responses;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import nexus.proxy.AnswerHeaders;
import nexus.proxy.BodyReader;
import nexus.proxy.GenerationIds;
import nexus.proxy.Incoming;
import nexus.proxy.RequestIds;
import nexus.proxy.billing.Admission;
import nexus.proxy.billing.Billing;
import nexus.proxy.chat.ChatCall;
import nexus.proxy.chat.ChatCompletionsHandler;
import nexus.proxy.chat.ChatFailover;
import nexus.proxy.chat.ChatRequest;
import nexus.proxy.chat.ChatService;
import nexus.proxy.chat.Completion;
import nexus.proxy.chat.ConversationIds;
import nexus.proxy.conversations.ConversationItems;
import nexus.proxy.routing.Candidates;
import nexus.proxy.routing.RoutingTable;
import nexus.proxy.routing.Target;
import nexus.proxy.routing.Try;
import nexus.shared.db.ModelType;
import nexus.shared.db.ProviderKind;

/**
 * POST /v1/responses, OpenAI's Responses API: HTTP in and out only. A provider whose server speaks it gets the
 * request as it came; every other chat model serves it through the translation to a chat completion and back, run
 * as any chat call (one usage row, endpoint {@code responses}), its response kept unless {@code store} is false, and
 * the conversation it names ({@code conversation}) read before and extended after. A model several providers serve
 * fails over like chat completions, each attempt native or translated as its provider needs. Thread-safe.
 */
public final class ResponsesHandler implements Handler {

    public static final String ENDPOINT = "responses";

    private final RoutingTable routing;
    private final ChatService chat;
    private final ResponsesRelay relay;
    private final ResponseStore store;
    private final ResponsesConversation conversations;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final BodyReader bodies;
    private final ChatFailover failover;

    public ResponsesHandler(RoutingTable routing, ChatService chat, ResponsesRelay relay, ResponseStore store,
                            ConversationItems conversations, ObjectMapper mapper, Clock clock, BodyReader bodies,
                            ChatFailover failover) {
        this.routing = routing;
        this.chat = chat;
        this.relay = relay;
        this.store = store;
        this.conversations = new ResponsesConversation(conversations, mapper);
        this.mapper = mapper;
        this.clock = clock;
        this.bodies = bodies;
        this.failover = failover;
    }

    @Override
    public void handle(Context ctx) {
        Incoming incoming = Incoming.read(ctx, routing, clock, bodies);
        ResponsesRequest request = ResponsesRequest.parse(incoming.body(), mapper);
        Candidates candidates = incoming.routes().candidates(incoming.caller(), request.model(), ModelType.CHAT);
        Attempts attempts = new Attempts(ctx, incoming, request, conversations.open(incoming.caller().owner(),
                incoming.requestId(), request));
        failover.serve(candidates, request.stream(), attempts::admit, AnswerHeaders.of(ctx), attempts::answer);
    }

    /** Keeps the finished response unless asked not to, and extends its conversation when it has one. */
    private void keep(String owner, ResponsesRequest request, ResponsesConversation.Turn turn, ObjectNode response) {
        if (request.store()) {
            store.save(owner, request, response, clock.millis());
        }
        conversations.append(turn, response);
    }

    /**
     * The attempts of one request: each admitted and run at its target, natively or through a chat completion; the
     * chat request is translated once per provider kind. One thread.
     */
    private final class Attempts {

        private final Context ctx;
        private final Incoming incoming;
        private final ResponsesRequest request;
        private final ResponsesConversation.Turn turn;
        private final String owner;
        /** A conversation the Responses API extends is not also given the chat transcript of the same call. */
        private final boolean sameConversation;
        private final String chatConversationId;
        private Map<ProviderKind, ChatRequest> translated;

        Attempts(Context ctx, Incoming incoming, ResponsesRequest request, ResponsesConversation.Turn turn) {
            this.ctx = ctx;
            this.incoming = incoming;
            this.request = request;
            this.turn = turn;
            this.owner = incoming.caller().owner();
            this.sameConversation = turn != null && turn.conversationId().equals(incoming.conversationId());
            this.chatConversationId = sameConversation ? ConversationIds.create() : incoming.conversationId();
        }

        /** Admits the call to a target: as it came for a server that speaks the API, else as its chat call. */
        Admission admit(Target target) {
            if (target.provider().speaksResponsesApi()) {
                return incoming.admit(target, () -> incoming.body().length,
                        Billing.maxOutputTokens(request.body(), target), 0, 0);
            }
            return incoming.admitChat(target, chatRequest(target.provider().kind()));
        }

        /**
         * Runs the attempt {@code tried} and answers the client with it; answers when its first content arrived (0 for
         * JSON). A {@code retryable} stream is begun only once its first event arrived.
         */
        long answer(Target target, Admission admission, Try tried, boolean retryable) {
            String requestId = RequestIds.ofAttempt(incoming.requestId(), tried.number());
            GenerationIds.mark(ctx, requestId);
            if (!target.provider().speaksResponsesApi()) {
                return translate(new ChatCall(requestId, chatConversationId, incoming.apiKey(), target,
                        chatRequest(target.provider().kind()), ENDPOINT, incoming.startNanos(),
                        incoming.startMillis(), admission, owner, incoming.conversationNamed() && !sameConversation,
                        tried), retryable);
            }
            ResponsesCall call = new ResponsesCall(requestId, incoming.conversationId(), incoming.apiKey(), owner,
                    target, request, incoming.startNanos(), incoming.startMillis(), admission, turn, tried);
            if (request.stream()) {
                return relay.stream(call, ctx.res(), retryable);
            }
            ChatCompletionsHandler.writeWhole(ctx.res(), relay.complete(call));
            return 0;
        }

        /** Through a chat completion: the translated request run as any chat call, the answer translated back. */
        private long translate(ChatCall call, boolean retryable) {
            ObjectNode response = ResponseObjects.started(request, ResponseObjects.responseId(incoming.requestId()),
                    incoming.startMillis() / 1000, call.target().model(), mapper);
            if (request.stream()) {
                return chat.stream(call, new ResponsesSseSink(ctx.res(), new ChunksToEvents(mapper, response),
                        finished -> keep(owner, request, turn, finished.response())), retryable);
            }
            Completion completion = chat.complete(call);
            keep(owner, request, turn, ChatToResponse.translate(completion.json(), completion.usage(), response,
                    mapper));
            ChatCompletionsHandler.writeWhole(ctx.res(), response.toString().getBytes(StandardCharsets.UTF_8));
            return 0;
        }

        /** The chat request a provider of this kind gets, translated the first time it is asked for. */
        private ChatRequest chatRequest(ProviderKind kind) {
            if (translated == null) {
                translated = new EnumMap<>(ProviderKind.class);
            }
            return translated.computeIfAbsent(kind, any -> {
                ArrayNode history = turn != null ? turn.history() : request.previousResponseId() == null
                        ? mapper.createArrayNode() : store.history(owner, request.previousResponseId());
                return ChatRequest.fromObject(null, ResponsesToChat.translate(request, history, kind, mapper));
            });
        }
    }
}
