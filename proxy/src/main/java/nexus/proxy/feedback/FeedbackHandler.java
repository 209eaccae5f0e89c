package nexus.proxy.feedback;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.Header;

import nexus.proxy.BodyReader;
import nexus.proxy.anthropic.MessagesHandler;
import nexus.proxy.routing.Caller;
import nexus.proxy.routing.RoutingTable;

/**
 * POST /v1/feedback: a rating of one of the caller's generations, by the key in {@code Authorization: Bearer} or
 * {@code x-api-key}. 201 with the stored rating when it is the first of that generation, 200 when it replaced one.
 * HTTP in and out only. Thread-safe.
 */
public final class FeedbackHandler implements Handler {

    private final RoutingTable routing;
    private final FeedbackService service;
    private final ObjectMapper mapper;
    private final BodyReader bodies;

    public FeedbackHandler(RoutingTable routing, FeedbackService service, ObjectMapper mapper, BodyReader bodies) {
        this.routing = routing;
        this.service = service;
        this.mapper = mapper;
        this.bodies = bodies;
    }

    @Override
    public void handle(Context ctx) {
        Caller caller = routing.current().authenticate(MessagesHandler.apiKey(
                ctx.header(MessagesHandler.API_KEY_HEADER), ctx.header(Header.AUTHORIZATION)));
        FeedbackRequest request = FeedbackRequest.parse(bodies.read(ctx), mapper);
        FeedbackService.Rated rated = service.rate(caller, request);
        ctx.status(rated.replaced() ? 200 : 201).json(FeedbackView.of(rated.feedback(), mapper));
    }
}
