package nexus.proxy.endpoints;

import java.time.Clock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import nexus.proxy.BodyReader;
import nexus.proxy.GenerationIds;
import nexus.proxy.Incoming;
import nexus.proxy.billing.Admission;
import nexus.proxy.billing.Billing;
import nexus.proxy.chat.SseSink;
import nexus.proxy.routing.RoutingTable;
import nexus.proxy.routing.Target;

/** {@code POST} of one endpoint (embeddings, rerank, images, completions): HTTP in and out only. Thread-safe. */
public final class EndpointHandler implements Handler {

    private final Endpoint endpoint;
    private final RoutingTable routing;
    private final EndpointService service;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final BodyReader bodies;

    public EndpointHandler(Endpoint endpoint, RoutingTable routing, EndpointService service, ObjectMapper mapper,
                           Clock clock, BodyReader bodies) {
        this.endpoint = endpoint;
        this.routing = routing;
        this.service = service;
        this.mapper = mapper;
        this.clock = clock;
        this.bodies = bodies;
    }

    @Override
    public void handle(Context ctx) {
        Incoming incoming = Incoming.read(ctx, routing, clock, bodies);
        EndpointRequest request = EndpointRequest.parse(incoming.body(), endpoint, mapper);
        Target target = incoming.routes().resolve(incoming.caller(), request.model(), endpoint.modelType());
        EndpointCall call = new EndpointCall(incoming.requestId(), incoming.conversationId(), incoming.apiKey(),
                target, request, incoming.startNanos(), incoming.startMillis(), admit(incoming, target, request));
        call.admission().serve(ctx::header, () -> {
            GenerationIds.mark(ctx, call.requestId());
            if (request.stream()) {
                service.stream(call, new SseSink(ctx.res(), mapper));
            } else {
                service.complete(call, ctx.res());
            }
        });
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
