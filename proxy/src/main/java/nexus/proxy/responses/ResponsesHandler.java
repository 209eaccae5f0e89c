package nexus.proxy.responses;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import nexus.proxy.BodyReader;
import nexus.proxy.GenerationIds;
import nexus.proxy.Incoming;
import nexus.proxy.billing.Billing;
import nexus.proxy.chat.ChatCall;
import nexus.proxy.chat.ChatCompletionsHandler;
import nexus.proxy.chat.ChatRequest;
import nexus.proxy.chat.ChatService;
import nexus.proxy.chat.Completion;
import nexus.proxy.chat.ConversationIds;
import nexus.proxy.conversations.ConversationItems;
import nexus.proxy.routing.RoutingTable;
import nexus.proxy.routing.Target;
import nexus.shared.db.ModelType;

/**
 * POST /v1/responses, OpenAI's Responses API: HTTP in and out only. A provider whose server speaks it gets the
 * request as it came; every other chat model serves it through the translation to a chat completion and back, run
 * as any chat call (one usage row, endpoint {@code responses}), its response kept unless {@code store} is false, and
 * the conversation it names ({@code conversation}) read before and extended after. Thread-safe.
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

    public ResponsesHandler(RoutingTable routing, ChatService chat, ResponsesRelay relay, ResponseStore store,
                            ConversationItems conversations, ObjectMapper mapper, Clock clock, BodyReader bodies) {
        this.routing = routing;
        this.chat = chat;
        this.relay = relay;
        this.store = store;
        this.conversations = new ResponsesConversation(conversations, mapper);
        this.mapper = mapper;
        this.clock = clock;
        this.bodies = bodies;
    }

    @Override
    public void handle(Context ctx) {
        Incoming incoming = Incoming.read(ctx, routing, clock, bodies);
        ResponsesRequest request = ResponsesRequest.parse(incoming.body(), mapper);
        Target target = incoming.routes().resolve(incoming.caller(), request.model(), ModelType.CHAT);
        ResponsesConversation.Turn turn = conversations.open(incoming.caller().owner(),
                incoming.requestId(), request);
        if (target.provider().speaksResponsesApi()) {
            ResponsesCall call = new ResponsesCall(incoming.requestId(), incoming.conversationId(), incoming.apiKey(),
                    incoming.caller().owner(), target, request, incoming.startNanos(), incoming.startMillis(),
                    incoming.admit(target, () -> incoming.body().length,
                            Billing.maxOutputTokens(request.body(), target), 0, 0), turn);
            call.admission().serve(ctx::header, () -> {
                GenerationIds.mark(ctx, call.requestId());
                if (request.stream()) {
                    relay.stream(call, ctx.res());
                } else {
                    ChatCompletionsHandler.writeWhole(ctx.res(), relay.complete(call));
                }
            });
        } else {
            translate(ctx, incoming, target, request, turn);
        }
    }

    /** Through a chat completion: the request translated, run as any chat call, the answer translated back. */
    private void translate(Context ctx, Incoming incoming, Target target, ResponsesRequest request,
                           ResponsesConversation.Turn turn) {
        String owner = incoming.caller().owner();
        ArrayNode history = turn != null ? turn.history() : request.previousResponseId() == null
                ? mapper.createArrayNode() : store.history(owner, request.previousResponseId());
        ObjectNode translated = ResponsesToChat.translate(request, history, target.provider().kind(), mapper);
        ChatRequest chatRequest = ChatRequest.fromObject(null, translated);
        // a conversation the Responses API extends is not also given the chat transcript of the same call
        boolean sameConversation = turn != null && turn.conversationId().equals(incoming.conversationId());
        ChatCall call = new ChatCall(incoming.requestId(),
                sameConversation ? ConversationIds.create() : incoming.conversationId(), incoming.apiKey(), target,
                chatRequest, ENDPOINT, incoming.startNanos(), incoming.startMillis(),
                incoming.admitChat(target, chatRequest), owner, incoming.conversationNamed() && !sameConversation);
        ObjectNode response = ResponseObjects.started(request, ResponseObjects.responseId(incoming.requestId()),
                incoming.startMillis() / 1000, target.model(), mapper);
        call.admission().serve(ctx::header, () -> {
            GenerationIds.mark(ctx, call.requestId());
            if (request.stream()) {
                chat.stream(call, new ResponsesSseSink(ctx.res(), new ChunksToEvents(mapper, response),
                        finished -> keep(owner, request, turn, finished.response())));
            } else {
                Completion completion = chat.complete(call);
                keep(owner, request, turn, ChatToResponse.translate(completion.json(), completion.usage(), response,
                        mapper));
                ChatCompletionsHandler.writeWhole(ctx.res(), response.toString().getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    /** Keeps the finished response unless asked not to, and extends its conversation when it has one. */
    private void keep(String owner, ResponsesRequest request, ResponsesConversation.Turn turn, ObjectNode response) {
        if (request.store()) {
            store.save(owner, request, response, clock.millis());
        }
        conversations.append(turn, response);
    }
}
