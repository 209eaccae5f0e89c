package nexus.proxy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import nexus.proxy.routing.Target;

/**
 * The models a key opens in the shape of Anthropic's Models API (https://docs.claude.com/en/api/models-list): one
 * page holding them all. Stateless.
 */
final class AnthropicModels {

    private AnthropicModels() {}

    /**
     * One model; {@code created_at} is when its provider was added (RFC 3339), {@code display_name} its name.
     */
    record ModelInfo(String type, String id, String displayName, String createdAt) {}

    /** A page of the list; Nexus answers every model in one, so {@code has_more} is false. */
    record ModelPage(List<ModelInfo> data, boolean hasMore, String firstId, String lastId) {}

    static ModelInfo info(Target target) {
        String createdAt = Instant.ofEpochMilli(target.provider().createdAtMillis()).truncatedTo(ChronoUnit.SECONDS)
                .toString();
        return new ModelInfo("model", target.model(), target.model(), createdAt);
    }

    static ModelPage page(List<Target> models) {
        List<ModelInfo> data = models.stream().map(AnthropicModels::info).toList();
        return new ModelPage(data, false, data.isEmpty() ? null : data.getFirst().id(),
                data.isEmpty() ? null : data.getLast().id());
    }
}
