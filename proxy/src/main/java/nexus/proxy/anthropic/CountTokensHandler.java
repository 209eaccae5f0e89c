package nexus.proxy.anthropic;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import nexus.proxy.BodyReader;
import nexus.proxy.Incoming;
import nexus.proxy.chat.ChatCompletionsHandler;
import nexus.proxy.routing.RoutingTable;
import nexus.proxy.routing.Target;
import nexus.proxy.upstream.UpstreamClients;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.proxy.usage.TokenCounter;
import nexus.shared.db.ModelType;

/**
 * POST /v1/messages/count_tokens, Anthropic's token count: HTTP in and out only, with the key, validation and error
 * shape of /v1/messages. Thread-safe.
 */
public final class CountTokensHandler implements Handler {

    private final RoutingTable routing;
    private final TokenCountService counts;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final BodyReader bodies;

    public CountTokensHandler(RoutingTable routing, UpstreamClients http, UpstreamWatchdog watchdog,
                              ObjectMapper mapper, TokenCounter tokens, Clock clock, BodyReader bodies) {
        this.routing = routing;
        this.counts = new TokenCountService(http, watchdog, mapper, tokens);
        this.mapper = mapper;
        this.clock = clock;
        this.bodies = bodies;
    }

    @Override
    public void handle(Context ctx) {
        Incoming incoming = MessagesHandler.incoming(ctx, routing, clock, bodies);
        MessagesRequest request = MessagesRequest.parseForCounting(incoming.body(), mapper);
        Target target = incoming.routes().resolve(incoming.caller(), request.model(), ModelType.CHAT);
        ChatCompletionsHandler.writeWhole(ctx.res(), counts.count(target, request,
                ctx.header(MessagesHandler.VERSION_HEADER), ctx.header(MessagesHandler.BETA_HEADER)));
    }
}
