package nexus.proxy;

import java.util.List;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.Header;

import nexus.proxy.routing.BearerKey;
import nexus.proxy.routing.Caller;
import nexus.proxy.routing.Routes;
import nexus.proxy.routing.RoutingTable;
import nexus.shared.db.ModelType;

/** GET /v1/models: the models the caller's key opens (of one type with {@code ?type=}), in OpenAI's list format. Thread-safe. */
public final class ModelsHandler implements Handler {

    private final RoutingTable routing;

    public ModelsHandler(RoutingTable routing) {
        this.routing = routing;
    }

    /**
     * One entry of the list; {@code created} is when the provider was added, in seconds; {@code type} (not in OpenAI's
     * format, ignored by its clients) says which endpoints serve the model.
     */
    public record ModelEntry(String id, String object, long created, String ownedBy, String type) {}

    /** OpenAI's list envelope. */
    public record ModelList(String object, List<ModelEntry> data) {}

    @Override
    public void handle(Context ctx) {
        Routes routes = routing.current();
        Caller caller = routes.authenticate(BearerKey.from(ctx.header(Header.AUTHORIZATION)));
        List<ModelEntry> entries = routes.models(caller, type(ctx.queryParam("type"))).stream()
                .map(target -> new ModelEntry(target.model(), "model", target.provider().createdAtMillis() / 1000,
                        target.provider().name(), target.type().wireName()))
                .toList();
        ctx.json(new ModelList("list", entries));
    }

    /** The {@code ?type=} filter: null when absent; a type name, else 400. */
    private static ModelType type(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return ModelType.named(value);
    }
}
