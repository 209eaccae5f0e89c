package nexus.proxy.routing;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import nexus.proxy.billing.CostFormula;
import nexus.proxy.health.TargetHealth;
import nexus.shared.db.ApiKey;
import nexus.shared.db.ModelType;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderModel;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;
import nexus.shared.secret.KeyHash;

/**
 * An immutable snapshot of the enabled providers and models and the issued keys: who a key is, and where a model
 * goes. Thread-safe.
 */
public final class Routes {

    private static final String ISSUED_SCHEME = "sk-nx-";

    private final Map<String, Caller> callersByKey;
    private final Map<String, Caller> issuedByHash;
    /**
     * Issued keys already found by their hash, by the key itself, so a key is hashed once per configuration rather
     * than on every request. Only keys that exist get in, so it holds at most one entry per issued key.
     */
    private final Map<String, Caller> issuedSeen = new ConcurrentHashMap<>();
    /** Per provider id, where each of its models goes, by name, in id order. */
    private final Map<Long, Map<String, Target>> modelsByProvider;
    /** Per type and name, the targets an issued key may try, in provider-id order. */
    private final Map<ModelType, Map<String, Candidates>> issuedCandidates;
    /** The same per personalized key, over the providers that carry it. */
    private final Map<String, Map<ModelType, Map<String, Candidates>>> personalCandidates;

    Routes(List<Provider> providers, List<ProviderModel> models, List<ApiKey> keys, TargetHealth health) {
        Map<String, List<Provider>> byKey = new HashMap<>();
        for (Provider provider : providers) {
            byKey.computeIfAbsent(provider.personalizedKey(), key -> new ArrayList<>()).add(provider);
        }
        Map<String, Caller> callers = new HashMap<>();
        byKey.forEach((key, list) -> callers.put(key, Caller.personal(key, List.copyOf(list))));
        this.callersByKey = Map.copyOf(callers);

        List<Provider> everyProvider = List.copyOf(providers);
        Map<String, Caller> issued = new HashMap<>();
        keys.forEach(key -> issued.put(key.keyHash(), Caller.issued(key, everyProvider)));
        this.issuedByHash = Map.copyOf(issued);

        Map<Long, Provider> providersById = new HashMap<>();
        providers.forEach(provider -> providersById.put(provider.id(), provider));
        Map<Long, Map<String, Target>> byProvider = new HashMap<>();
        for (ProviderModel model : models) {
            Provider provider = providersById.get(model.providerId());
            if (provider != null) {
                byProvider.computeIfAbsent(model.providerId(), id -> new LinkedHashMap<>()).put(model.modelName(),
                        new Target(provider, model.modelName(), model.type(), model.prices(),
                                CostFormula.of(model.prices()), model.maxOutputTokens()));
            }
        }
        this.modelsByProvider = Map.copyOf(byProvider);

        this.issuedCandidates = candidatesOf(everyProvider, health);
        Map<String, Map<ModelType, Map<String, Candidates>>> personal = new HashMap<>();
        byKey.forEach((key, list) -> personal.put(key, candidatesOf(list, health)));
        this.personalCandidates = Map.copyOf(personal);
    }

    /** Per type and name, the targets of these providers in their order, with a breaker each when there are several. */
    private Map<ModelType, Map<String, Candidates>> candidatesOf(List<Provider> providers, TargetHealth health) {
        Map<ModelType, Map<String, List<Target>>> lists = new EnumMap<>(ModelType.class);
        for (Provider provider : providers) {
            modelsByProvider.getOrDefault(provider.id(), Map.of()).forEach((name, target) -> lists
                    .computeIfAbsent(target.type(), type -> new HashMap<>())
                    .computeIfAbsent(name, any -> new ArrayList<>()).add(target));
        }
        Map<ModelType, Map<String, Candidates>> candidates = new EnumMap<>(ModelType.class);
        lists.forEach((type, byName) -> {
            Map<String, Candidates> built = new HashMap<>();
            byName.forEach((name, targets) -> built.put(name, new Candidates(List.copyOf(targets), targets.size() == 1
                    ? List.of() : targets.stream().map(target -> health.circuit(target.provider(), name)).toList())));
            candidates.put(type, Map.copyOf(built));
        });
        return candidates;
    }

    /** The caller a key belongs to, now. */
    public Caller authenticate(String apiKey) {
        return authenticate(apiKey, System.currentTimeMillis());
    }

    /**
     * The caller a key belongs to: a provider's personalized key, or an issued key looked up by its hash. Unknown,
     * revoked or expired: 401 invalid_api_key (saying when it expired); disabled: 403 permission_denied.
     */
    public Caller authenticate(String apiKey, long nowMillis) {
        Caller caller = callersByKey.get(apiKey);
        if (caller != null) {
            return caller;
        }
        caller = issuedSeen.get(apiKey);
        if (caller == null) {
            caller = apiKey.startsWith(ISSUED_SCHEME) ? issuedByHash.get(KeyHash.of(apiKey)) : null;
            if (caller == null) {
                throw ApiError.invalidApiKey();
            }
            issuedSeen.put(apiKey, caller);
        }
        ApiKey key = caller.key();
        if (key.expiresAtMillis() != null && key.expiresAtMillis() <= nowMillis) {
            throw ApiError.of(ErrorCode.INVALID_API_KEY, null, "This API key expired at "
                    + java.time.Instant.ofEpochMilli(key.expiresAtMillis()) + ".");
        }
        if (!key.enabled()) {
            throw ApiError.permissionDenied("This key is disabled.");
        }
        return caller;
    }

    /**
     * The provider that serves a model of this type for this caller: the lowest provider id that has it. A model an
     * issued key is not allowed is a 403 naming it; one the caller has only as another type is a 400 naming both
     * types; an unknown one is 404.
     */
    public Target resolve(Caller caller, String model, ModelType type) {
        if (!caller.mayUse(model)) {
            throw ApiError.permissionDenied("This key may not use the model '" + model + "'.");
        }
        ModelType otherType = null;
        for (Provider provider : caller.providers()) {
            Target found = modelsByProvider.getOrDefault(provider.id(), Map.of()).get(model);
            if (found != null && found.type() == type) {
                return found;
            }
            if (found != null && otherType == null) {
                otherType = found.type();
            }
        }
        if (otherType != null) {
            throw ApiError.invalidRequest("The model '" + model + "' is a model of type " + otherType.wireName()
                    + "; this endpoint needs a model of type " + type.wireName() + ".", "model");
        }
        throw ApiError.modelNotFound(model);
    }

    /**
     * The targets that serve a model of this type for this caller, in provider-id order: the first is tried first,
     * the next is its fallback. Refused like {@link #resolve} when there is none.
     */
    public Candidates candidates(Caller caller, String model, ModelType type) {
        Map<ModelType, Map<String, Candidates>> byType = caller.key() == null
                ? personalCandidates.get(caller.apiKey()) : issuedCandidates;
        Map<String, Candidates> byName = byType == null ? null : byType.get(type);
        Candidates found = byName == null ? null : byName.get(model);
        if (found == null || !caller.mayUse(model)) {
            resolve(caller, model, type);  // throws the refusal
            throw ApiError.modelNotFound(model);
        }
        return found;
    }

    /** Every model this caller can use, each name once with the provider that serves it; all types when type is null. */
    public List<Target> models(Caller caller, ModelType type) {
        Map<String, Target> byName = new LinkedHashMap<>();
        for (Provider provider : caller.providers()) {
            modelsByProvider.getOrDefault(provider.id(), Map.of()).forEach((name, target) -> {
                if ((type == null || type == target.type()) && caller.mayUse(name)) {
                    byName.putIfAbsent(name, target);
                }
            });
        }
        return List.copyOf(byName.values());
    }
}
