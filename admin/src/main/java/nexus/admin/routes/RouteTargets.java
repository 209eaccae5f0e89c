package nexus.admin.routes;

import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Handle;

import nexus.shared.db.ModelType;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderModel;
import nexus.shared.db.ProviderModelDao;
import nexus.shared.error.ApiError;

/** What a route's targets must be, checked against the providers and models stored now. One per transaction. */
final class RouteTargets {

    private final ProviderDao providers;
    private final ProviderModelDao models;

    RouteTargets(Handle handle) {
        this.providers = handle.attach(ProviderDao.class);
        this.models = handle.attach(ProviderModelDao.class);
    }

    /** Every target's provider must exist and be enabled, and serve the model, enabled and of the route's type. */
    void check(List<TargetsRequest.Target> targets, ModelType type) {
        for (int i = 0; i < targets.size(); i++) {
            TargetsRequest.Target target = targets.get(i);
            String where = "targets[" + i + "]";
            Provider provider = providers.findById(target.providerId()).orElseThrow(() -> ApiError.invalidRequest(
                    "'" + where + ".provider_id': provider " + target.providerId() + " does not exist.",
                    where + ".provider_id"));
            if (!provider.enabled()) {
                throw ApiError.invalidRequest("'" + where + ".provider_id': provider " + provider.id() + " ("
                        + provider.name() + ") is disabled.", where + ".provider_id");
            }
            ProviderModel model = models.findByName(provider.id(), target.modelName())
                    .orElseThrow(() -> ApiError.invalidRequest("'" + where + ".model_name': provider " + provider.id()
                            + " (" + provider.name() + ") has no model '" + target.modelName() + "'.",
                            where + ".model_name"));
            if (!model.enabled()) {
                throw ApiError.invalidRequest("'" + where + ".model_name': model '" + model.modelName() + "' of provider "
                        + provider.id() + " is disabled.", where + ".model_name");
            }
            if (model.type() != type) {
                throw ApiError.invalidRequest("'" + where + ".model_name': model '" + model.modelName() + "' is of type "
                        + model.type().wireName() + ", the route of type " + type.wireName() + ".",
                        where + ".model_name");
            }
        }
    }

    /** The provider of a stored target, if it still exists. */
    Optional<Provider> provider(long providerId) {
        return providers.findById(providerId);
    }

    /** True when the target could serve the route now: its provider and model exist, are enabled, of the type. */
    boolean usable(Optional<Provider> provider, String modelName, ModelType type) {
        return provider.filter(Provider::enabled)
                .flatMap(found -> models.findByName(found.id(), modelName))
                .filter(model -> model.enabled() && model.type() == type)
                .isPresent();
    }
}
