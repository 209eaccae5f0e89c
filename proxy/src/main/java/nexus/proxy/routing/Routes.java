package nexus.proxy.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import nexus.shared.db.ModelType;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderModel;
import nexus.shared.error.ApiError;

/** An immutable snapshot of the enabled providers and models: who a key is, and where a model goes. Thread-safe. */
public final class Routes {

    private final Map<String, Caller> callersByKey;
    /** Per provider id, its model names (in id order) and their types. */
    private final Map<Long, Map<String, ModelType>> modelsByProvider;

    Routes(List<Provider> providers, List<ProviderModel> models) {
        Map<String, List<Provider>> byKey = new HashMap<>();
        for (Provider provider : providers) {
            byKey.computeIfAbsent(provider.personalizedKey(), key -> new ArrayList<>()).add(provider);
        }
        Map<String, Caller> callers = new HashMap<>();
        byKey.forEach((key, list) -> callers.put(key, new Caller(key, Caller.personalOwner(key), List.copyOf(list))));
        this.callersByKey = Map.copyOf(callers);

        Map<Long, Map<String, ModelType>> byProvider = new HashMap<>();
        for (ProviderModel model : models) {
            byProvider.computeIfAbsent(model.providerId(), id -> new LinkedHashMap<>())
                    .put(model.modelName(), model.type());
        }
        this.modelsByProvider = Map.copyOf(byProvider);
    }

    /** The caller a personalized key belongs to; 401 invalid_api_key when no enabled provider carries it. */
    public Caller authenticate(String apiKey) {
        Caller caller = callersByKey.get(apiKey);
        if (caller == null) {
            throw ApiError.invalidApiKey();
        }
        return caller;
    }

    /**
     * The provider that serves a model of this type for this caller: the lowest provider id that has it. A model the
     * caller has only as another type is a 400 naming both types; an unknown one is 404.
     */
    public Target resolve(Caller caller, String model, ModelType type) {
        ModelType otherType = null;
        for (Provider provider : caller.providers()) {
            ModelType found = modelsByProvider.getOrDefault(provider.id(), Map.of()).get(model);
            if (found == type) {
                return new Target(provider, model, type);
            }
            if (found != null && otherType == null) {
                otherType = found;
            }
        }
        if (otherType != null) {
            throw ApiError.invalidRequest("The model '" + model + "' is a model of type " + otherType.wireName()
                    + "; this endpoint needs a model of type " + type.wireName() + ".", "model");
        }
        throw ApiError.modelNotFound(model);
    }

    /** Every model this caller can use, each name once with the provider that serves it; all types when type is null. */
    public List<Target> models(Caller caller, ModelType type) {
        Map<String, Target> byName = new LinkedHashMap<>();
        for (Provider provider : caller.providers()) {
            modelsByProvider.getOrDefault(provider.id(), Map.of()).forEach((model, modelType) -> {
                if (type == null || type == modelType) {
                    byName.putIfAbsent(model, new Target(provider, model, modelType));
                }
            });
        }
        return List.copyOf(byName.values());
    }
}
