package nexus.proxy.endpoints;

import java.time.Clock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import nexus.proxy.AnswerHeaders;
import nexus.proxy.BodyReader;
import nexus.proxy.GenerationIds;
import nexus.proxy.Incoming;
import nexus.proxy.RequestIds;
import nexus.proxy.billing.Admission;
import nexus.proxy.billing.Billing;
import nexus.proxy.chat.ChatFailover;
import nexus.proxy.chat.SseSink;
import nexus.proxy.routing.Candidates;
import nexus.proxy.routing.RoutingTable;
import nexus.proxy.routing.Target;
import nexus.proxy.routing.Try;

/**
 * {@code POST} of one endpoint (embeddings, rerank, images, completions): HTTP in and out only. A model several
 * providers serve fails over like chat completions, among the targets whose provider's kind serves the endpoint.
 * Thread-safe.
 */
public final class EndpointHandler implements Handler {

    private final Endpoint endpoint;
    private final RoutingTable routing;
    private final EndpointService service;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final BodyReader bodies;
    private final ChatFailover failover;
    private final ServedTargets served;

    public EndpointHandler(Endpoint endpoint, RoutingTable routing, EndpointService service, ObjectMapper mapper,
                           Clock clock, BodyReader bodies, ChatFailover failover) {
        this.endpoint = endpoint;
        this.routing = routing;
        this.service = service;
        this.mapper = mapper;
        this.clock = clock;
        this.bodies = bodies;
        this.failover = failover;
        this.served = service.servedTargets(endpoint);
    }

    @Override
    public void handle(Context ctx) {
        Incoming incoming = Incoming.read(ctx, routing, clock, bodies);
        EndpointRequest request = EndpointRequest.parse(incoming.body(), endpoint, mapper);
        Candidates candidates = served.of(incoming.routes().candidates(incoming.caller(), request.model(),
                endpoint.modelType()));
        failover.serve(candidates, request.stream(), target -> admit(incoming, target, request), AnswerHeaders.of(ctx),
                (target, admission, tried, retryable) -> answer(ctx, incoming, request, target, admission, tried,
                        retryable));
    }

    /**
     * Runs the attempt {@code tried} and answers the client with it; answers when its first content arrived (0 for
     * JSON). A {@code retryable} stream is begun only once its first chunk arrived.
     */
    private long answer(Context ctx, Incoming incoming, EndpointRequest request, Target target, Admission admission,
                        Try tried, boolean retryable) {
        EndpointCall call = new EndpointCall(RequestIds.ofAttempt(incoming.requestId(), tried.number()),
                incoming.conversationId(), incoming.apiKey(), target, request, incoming.startNanos(),
                incoming.startMillis(), admission, tried);
        GenerationIds.mark(ctx, call.requestId());
        if (request.stream()) {
            return service.stream(call, new SseSink(ctx.res(), mapper), retryable);
        }
        service.complete(call, ctx.res());
        return 0;
    }

    /**
     * Admits the call: its body's length bounds the prompt's tokens (no token is shorter than a byte), an image
     * request's {@code n} counts the images, and only text endpoints answer with tokens.
     */
    private static Admission admit(Incoming incoming, Target target, EndpointRequest request) {
        JsonNode n = request.body().get("n");
        long images = request.endpoint() != Endpoint.IMAGES_GENERATIONS ? 0 : n != null && n.canConvertToLong() ? n.asLong() : 1;
        long output = request.endpoint() == Endpoint.COMPLETIONS ? Billing.maxOutputTokens(request.body(), target) : 0;
        return incoming.admit(target, () -> incoming.body().length, output, images, 0);
    }
}
