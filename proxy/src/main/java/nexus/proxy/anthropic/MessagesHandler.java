package nexus.proxy.anthropic;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.Header;

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
import nexus.proxy.routing.BearerKey;
import nexus.proxy.routing.Candidates;
import nexus.proxy.routing.RoutingTable;
import nexus.proxy.routing.Target;
import nexus.proxy.routing.Try;
import nexus.shared.db.ModelType;
import nexus.shared.db.ProviderKind;
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
    private final ChatFailover failover;

    public MessagesHandler(RoutingTable routing, ChatService chat, MessagesRelay relay, ObjectMapper mapper,
                           Clock clock, BodyReader bodies, ChatFailover failover) {
        this.failover = failover;
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
        Candidates candidates = incoming.routes().candidates(incoming.caller(), request.model(), ModelType.CHAT);
        // a call only a provider of kind anthropic may answer is relayed as it came, never translated
        ChatRequest translated = candidates.single() && candidates.first().provider().kind() == ProviderKind.ANTHROPIC
                ? null : translated(request);
        failover.serve(call(incoming, candidates.first(), translated), candidates, request.stream(),
                target -> admit(incoming, target, request, translated), AnswerHeaders.of(ctx),
                (attempt, retryable) -> attempt.target().provider().kind() == ProviderKind.ANTHROPIC
                        ? relay(ctx, relayed(ctx, incoming, request, attempt.requestId(), attempt.target(),
                                attempt.admission(), attempt.tried()), retryable)
                        : translate(ctx, incoming, request, attempt, retryable));
    }

    /**
     * The first attempt's call as the chat path runs it (its request null when no target needs it translated); a
     * relayed attempt takes its id, target, admission and {@link Try} from it.
     */
    private static ChatCall call(Incoming incoming, Target target, ChatRequest translated) {
        return new ChatCall(incoming.requestId(), incoming.conversationId(), incoming.apiKey(), target, translated,
                ENDPOINT, incoming.startNanos(), incoming.startMillis(), null, incoming.caller().owner(),
                incoming.conversationNamed());
    }

    private ChatRequest translated(MessagesRequest request) {
        return ChatRequest.fromObject(null, MessagesToChat.translate(request, mapper));
    }

    /** Admits a call to a target: as it came for a provider of kind anthropic, else as the chat call it becomes. */
    private static Admission admit(Incoming incoming, Target target, MessagesRequest request,
                                   ChatRequest translated) {
        if (target.provider().kind() == ProviderKind.ANTHROPIC) {
            return incoming.admit(target, () -> incoming.body().length,
                    Billing.maxOutputTokens(request.body(), target), 0, 0);
        }
        return incoming.admitChat(target, translated);
    }

    /** A call to a provider of kind anthropic, which gets the request as it came. */
    private static MessagesCall relayed(Context ctx, Incoming incoming, MessagesRequest request, String requestId,
                                        Target target, Admission admission, Try tried) {
        return new MessagesCall(requestId, incoming.conversationId(), incoming.apiKey(), target, request,
                ctx.header(VERSION_HEADER), ctx.header(BETA_HEADER), incoming.startNanos(), incoming.startMillis(),
                admission, incoming.caller().owner(), incoming.conversationNamed(), tried);
    }

    /** Relays the call to its provider; a {@code retryable} stream begins only after its first event arrived. */
    private long relay(Context ctx, MessagesCall call, boolean retryable) {
        GenerationIds.mark(ctx, call.requestId());
        if (call.request().stream()) {
            relay.stream(call, ctx.res(), retryable);
        } else {
            ChatCompletionsHandler.writeWhole(ctx.res(), relay.complete(call));
        }
        return 0;
    }

    /**
     * Through a chat completion: the translated request run as any chat call, the answer translated back; answers
     * when its first content arrived (0 for JSON).
     */
    private long translate(Context ctx, Incoming incoming, MessagesRequest request, ChatCall call,
                           boolean retryable) {
        String messageId = "msg_" + incoming.requestId().substring(incoming.requestId().indexOf('_') + 1);
        String model = call.target().model();
        GenerationIds.mark(ctx, call.requestId());
        if (request.stream()) {
            return chat.stream(call, new AnthropicSseSink(ctx.res(),
                    new ChunksToEvents(mapper, messageId, model, request.stopSequences())), retryable);
        }
        Completion completion = chat.complete(call);
        ChatCompletionsHandler.writeWhole(ctx.res(), ChatToMessage.translate(completion.json(), completion.usage(),
                messageId, model, request.stopSequences(), mapper).toString().getBytes(StandardCharsets.UTF_8));
        return 0;
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
