package nexus.admin.provider;

import nexus.shared.db.ProviderModel;

/** A provider model as the admin API shows it, the creation time as ISO-8601 UTC. Immutable. */
public record ProviderModelView(long id, long providerId, String modelName, String type, String description,
                                boolean enabled, String createdAt) {

    public static ProviderModelView of(ProviderModel model) {
        return new ProviderModelView(model.id(), model.providerId(), model.modelName(), model.type().wireName(),
                model.description(), model.enabled(), Timestamps.iso(model.createdAtMillis()));
    }
}
