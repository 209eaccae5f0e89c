package nexus.proxy.anthropic;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.Header;

import nexus.proxy.BodyReader;
import nexus.proxy.GenerationIds;
import nexus.proxy.Incoming;
import nexus.proxy.RequestIds;
import nexus.proxy.billing.Billing;
import nexus.proxy.chat.ChatCall;
import nexus.proxy.chat.ChatCompletionsHandler;
import nexus.proxy.chat.ChatRequest;
import nexus.proxy.chat.ChatService;
import nexus.proxy.chat.Completion;
import nexus.proxy.routing.BearerKey;
import nexus.proxy.routing.RoutingTable;
import nexus.proxy.routing.Target;
import nexus.shared.db.ModelType;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;

/**
 * POST /v1/messages, Anthropic's Messages API: HTTP in and out only. A provider of kind anthropic gets the request
 * as it came; one that speaks OpenAI's format (and the mock) serves it through the translation to a chat completion
 * and back. Errors are rendered in Anthropic's shape (see ProxyErrors). Thread-safe.
 */
public final class MessagesHandler implements Handler {

    public static final String ENDPOINT = "messages";
    public static final String API_KEY_HEADER = "x-api-key";
    static final String VERSION_HEADER = AnthropicErrors.VERSION_HEADER;
    static final String BETA_HEADER = "anthropic-beta";
    /** Where Anthropic's SDKs read a request's id from (as {@code _request_id}); X-Request-Id carries it too. */
    static final String REQUEST_ID_HEADER = "request-id";

    private final RoutingTable routing;
    private final ChatService chat;
    private final MessagesRelay relay;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final BodyReader bodies;

    public MessagesHandler(RoutingTable routing, ChatService chat, MessagesRelay relay, ObjectMapper mapper,
                           Clock clock, BodyReader bodies) {
        this.routing = routing;
        this.chat = chat;
        this.relay = relay;
        this.mapper = mapper;
        this.clock = clock;
        this.bodies = bodies;
    }

    @Override
    public void handle(Context ctx) {
        Incoming incoming = incoming(ctx, routing, clock, bodies);
        MessagesRequest request = MessagesRequest.parse(incoming.body(), mapper);
        Target target = incoming.routes().resolve(incoming.caller(), request.model(), ModelType.CHAT);
        switch (target.provider().kind()) {
            case ANTHROPIC -> relay(ctx, new MessagesCall(incoming.requestId(), incoming.conversationId(),
                    incoming.apiKey(), target, request, ctx.header(VERSION_HEADER), ctx.header(BETA_HEADER),
                    incoming.startNanos(), incoming.startMillis(), incoming.admit(target,
                            () -> incoming.body().length, Billing.maxOutputTokens(request.body(), target), 0, 0),
                    incoming.caller().owner(), incoming.conversationNamed()));
            case OPENAI, MOCK -> translate(ctx, incoming, target, request);
        }
    }

    private void relay(Context ctx, MessagesCall call) {
        call.admission().serve(ctx::header, () -> {
            GenerationIds.mark(ctx, call.requestId());
            if (call.request().stream()) {
                relay.stream(call, ctx.res());
            } else {
                ChatCompletionsHandler.writeWhole(ctx.res(), relay.complete(call));
            }
        });
    }

    /** Through a chat completion: the request translated, run as any chat call, the answer translated back. */
    private void translate(Context ctx, Incoming incoming, Target target, MessagesRequest request) {
        ChatRequest translated = ChatRequest.fromObject(null, MessagesToChat.translate(request, mapper));
        ChatCall call = new ChatCall(incoming.requestId(), incoming.conversationId(), incoming.apiKey(), target,
                translated, ENDPOINT, incoming.startNanos(), incoming.startMillis(),
                incoming.admitChat(target, translated), incoming.caller().owner(), incoming.conversationNamed());
        String messageId = "msg_" + incoming.requestId().substring(incoming.requestId().indexOf('_') + 1);
        call.admission().serve(ctx::header, () -> {
            GenerationIds.mark(ctx, call.requestId());
            if (request.stream()) {
                chat.stream(call, new AnthropicSseSink(ctx.res(),
                        new ChunksToEvents(mapper, messageId, target.model(), request.stopSequences())));
            } else {
                Completion completion = chat.complete(call);
                ChatCompletionsHandler.writeWhole(ctx.res(), ChatToMessage.translate(completion.json(),
                        completion.usage(), messageId, target.model(), request.stopSequences(), mapper).toString()
                        .getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    /**
     * The start of a request to an Anthropic endpoint: the key from {@code x-api-key} or a Bearer authorization, and
     * the request's id also as {@code request-id}, errors included.
     */
    static Incoming incoming(Context ctx, RoutingTable routing, Clock clock, BodyReader bodies) {
        return Incoming.read(ctx, routing, clock, bodies, request -> {
            request.header(REQUEST_ID_HEADER, request.res().getHeader(RequestIds.HEADER));
            return apiKey(request.header(API_KEY_HEADER), request.header(Header.AUTHORIZATION));
        });
    }

    /** The key from {@code x-api-key}, as Anthropic's SDKs send it, else from {@code Authorization: Bearer}. */
    public static String apiKey(String xApiKey, String authorization) {
        if (xApiKey != null && !xApiKey.isBlank()) {
            return xApiKey.strip();
        }
        if (authorization == null || authorization.isBlank()) {
            throw ApiError.of(ErrorCode.MISSING_API_KEY, null,
                    "You didn't provide an API key. Send it as 'x-api-key: <key>' or 'Authorization: Bearer <key>'.");
        }
        return BearerKey.from(authorization);
    }
}
