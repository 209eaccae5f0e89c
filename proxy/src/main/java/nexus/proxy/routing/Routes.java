package nexus.proxy.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import nexus.shared.db.Provider;
import nexus.shared.db.ProviderModel;
import nexus.shared.error.ApiError;

/** An immutable snapshot of the enabled providers and models: who a key is, and where a model goes. Thread-safe. */
public final class Routes {

    private final Map<String, Caller> callersByKey;
    private final Map<Long, List<String>> modelsByProvider;

    Routes(List<Provider> providers, List<ProviderModel> models) {
        Map<String, List<Provider>> byKey = new HashMap<>();
        for (Provider provider : providers) {
            byKey.computeIfAbsent(provider.personalizedKey(), key -> new ArrayList<>()).add(provider);
        }
        Map<String, Caller> callers = new HashMap<>();
        byKey.forEach((key, list) -> callers.put(key, new Caller(key, List.copyOf(list))));
        this.callersByKey = Map.copyOf(callers);

        Map<Long, List<String>> byProvider = new LinkedHashMap<>();
        for (ProviderModel model : models) {
            byProvider.computeIfAbsent(model.providerId(), id -> new ArrayList<>()).add(model.modelName());
        }
        byProvider.replaceAll((id, names) -> List.copyOf(names));
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

    /** The provider that serves a model for this caller: the lowest provider id that has it; else 404. */
    public Target resolve(Caller caller, String model) {
        for (Provider provider : caller.providers()) {
            if (modelsByProvider.getOrDefault(provider.id(), List.of()).contains(model)) {
                return new Target(provider, model);
            }
        }
        throw ApiError.modelNotFound(model);
    }

    /** Every model this caller can use, each once, with the provider that serves it. */
    public List<Target> models(Caller caller) {
        Map<String, Target> byName = new LinkedHashMap<>();
        for (Provider provider : caller.providers()) {
            for (String model : modelsByProvider.getOrDefault(provider.id(), List.of())) {
                byName.putIfAbsent(model, new Target(provider, model));
            }
        }
        return List.copyOf(byName.values());
    }
}
