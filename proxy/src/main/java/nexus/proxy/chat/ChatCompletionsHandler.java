package nexus.proxy.chat;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import jakarta.servlet.http.HttpServletResponse;

import nexus.proxy.AnswerHeaders;
import nexus.proxy.BodyReader;
import nexus.proxy.GenerationIds;
import nexus.proxy.Incoming;
import nexus.proxy.billing.Charge;
import nexus.proxy.routing.Candidates;
import nexus.proxy.routing.RoutingTable;
import nexus.proxy.routing.Target;
import nexus.proxy.routing.Try;
import nexus.shared.db.ModelType;
import nexus.shared.money.Money;

/** POST /v1/chat/completions: HTTP in and out only; every decision is delegated. Thread-safe. */
public final class ChatCompletionsHandler implements Handler {

    public static final String ENDPOINT = "chat.completions";

    private final RoutingTable routing;
    private final ChatService chat;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final BodyReader bodies;
    private final ChatFailover failover;

    public ChatCompletionsHandler(RoutingTable routing, ChatService chat, ObjectMapper mapper, Clock clock,
                                  BodyReader bodies, ChatFailover failover) {
        this.failover = failover;
        this.routing = routing;
        this.chat = chat;
        this.mapper = mapper;
        this.clock = clock;
        this.bodies = bodies;
    }

    @Override
    public void handle(Context ctx) {
        Incoming incoming = Incoming.read(ctx, routing, clock, bodies);
        ChatRequest request = ChatRequest.parse(incoming.body(), mapper);
        Candidates candidates = incoming.routes().candidates(incoming.caller(), request.model(), ModelType.CHAT);
        ChatCall call = new ChatCall(incoming.requestId(), incoming.conversationId(), incoming.apiKey(),
                candidates.first(), request, ENDPOINT, incoming.startNanos(), incoming.startMillis(), null,
                incoming.caller().owner(), incoming.conversationNamed());
        failover.serve(call, candidates, request.stream(), target -> incoming.admitChat(target, request),
                AnswerHeaders.of(ctx), (attempt, retryable) -> answer(ctx, attempt, retryable));
    }

    /**
     * Runs one attempt and answers the client with it; answers when its first content arrived (0 for JSON). A
     * {@code retryable} stream is begun only once its first chunk arrived, so a failure before it may go elsewhere.
     */
    private long answer(Context ctx, ChatCall call, boolean retryable) {
        GenerationIds.mark(ctx, call.requestId());
        if (call.request().stream()) {
            return chat.stream(call, new SseSink(ctx.res(), mapper), retryable);
        }
        Completion completion = chat.complete(call);
        writeWhole(ctx.res(), NexusObject.appended(billed(ctx, completion, call.admission().charge()),
                completion.json(), call.requestId(), call.tried().route(), mapper));
        return 0;
    }

    /** The answer as it came, or with the platform's {@code billing} object and {@code X-Nexus-Cost} when priced. */
    private byte[] billed(Context ctx, Completion completion, Charge charge) {
        if (!charge.shown()) {
            return completion.body();
        }
        ctx.header(Charge.COST_HEADER, Money.format(charge.costNanos()));
        ObjectNode answer = (ObjectNode) completion.json();
        charge.describe(completion.usage(), answer.putObject("billing"));
        try {
            return mapper.writeValueAsBytes(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A parsed answer cannot be written back", e);
        }
    }

    /**
     * Writes the answer before the handler returns, not after as {@code ctx.result} would: the request counts as
     * running until then, so a stop that lets running requests finish cannot cut it off.
     */
    public static void writeWhole(HttpServletResponse response, byte[] body) {
        response.setStatus(200);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }
}
