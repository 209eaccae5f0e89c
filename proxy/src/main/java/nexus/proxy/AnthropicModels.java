package nexus.proxy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import nexus.proxy.routing.Candidates;
import nexus.proxy.routing.Target;

/**
 * The models and routes a key opens in the shape of Anthropic's Models API
 * (https://docs.claude.com/en/api/models-list): one page holding them all. Stateless.
 */
final class AnthropicModels {

    private AnthropicModels() {}

    /**
     * One model or route; {@code created_at} is when its provider (a route: the route) was added (RFC 3339),
     * {@code display_name} its name.
     */
    record ModelInfo(String type, String id, String displayName, String createdAt) {

        private static ModelInfo of(String name, long createdAtMillis) {
            return new ModelInfo("model", name, name,
                    Instant.ofEpochMilli(createdAtMillis).truncatedTo(ChronoUnit.SECONDS).toString());
        }
    }

    /** A page of the list; Nexus answers every model in one, so {@code has_more} is false. */
    record ModelPage(List<ModelInfo> data, boolean hasMore, String firstId, String lastId) {}

    static ModelInfo info(Target target) {
        return ModelInfo.of(target.model(), target.provider().createdAtMillis());
    }

    static ModelInfo info(Candidates route) {
        return ModelInfo.of(route.route().name(), route.route().createdAtMillis());
    }

    /** The models, then the routes. */
    static ModelPage page(List<Target> models, List<Candidates> routes) {
        List<ModelInfo> data = new ArrayList<>();
        models.forEach(model -> data.add(info(model)));
        routes.forEach(route -> data.add(info(route)));
        return new ModelPage(data, false, data.isEmpty() ? null : data.getFirst().id(),
                data.isEmpty() ? null : data.getLast().id());
    }
}
