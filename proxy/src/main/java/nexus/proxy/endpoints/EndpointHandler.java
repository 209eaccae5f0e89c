package nexus.proxy.endpoints;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import nexus.proxy.BodyReader;
import nexus.proxy.Incoming;
import nexus.proxy.chat.SseSink;
import nexus.proxy.routing.RoutingTable;

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
        EndpointCall call = new EndpointCall(incoming.requestId(), incoming.conversationId(), incoming.apiKey(),
                incoming.routes().resolve(incoming.caller(), request.model(), endpoint.modelType()), request,
                incoming.startNanos(), incoming.startMillis());
        if (request.stream()) {
            service.stream(call, new SseSink(ctx.res(), mapper));
        } else {
            service.complete(call, ctx.res());
        }
    }
}
