package nexus.proxy;

import java.util.List;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.Header;

import nexus.proxy.routing.BearerKey;
import nexus.proxy.routing.Caller;
import nexus.proxy.routing.Routes;
import nexus.proxy.routing.RoutingTable;

/** GET /v1/models: the models the caller's key opens, in OpenAI's list format. Thread-safe. */
public final class ModelsHandler implements Handler {

    private final RoutingTable routing;

    public ModelsHandler(RoutingTable routing) {
        this.routing = routing;
    }

    /** One entry of the list; {@code created} is when the provider was added, in seconds. */
    public record ModelEntry(String id, String object, long created, String ownedBy) {}

    /** OpenAI's list envelope. */
    public record ModelList(String object, List<ModelEntry> data) {}

    @Override
    public void handle(Context ctx) {
        Routes routes = routing.current();
        Caller caller = routes.authenticate(BearerKey.from(ctx.header(Header.AUTHORIZATION)));
        List<ModelEntry> entries = routes.models(caller).stream()
                .map(target -> new ModelEntry(target.model(), "model", target.provider().createdAtMillis() / 1000,
                        target.provider().name()))
                .toList();
        ctx.json(new ModelList("list", entries));
    }
}
