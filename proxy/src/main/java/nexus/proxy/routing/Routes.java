package nexus.proxy.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import nexus.proxy.billing.CostFormula;
import nexus.proxy.health.TargetHealth;
import nexus.shared.db.ApiKey;
import nexus.shared.db.ModelType;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderModel;
import nexus.shared.db.Route;
import nexus.shared.db.RouteTarget;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;
import nexus.shared.secret.KeyHash;

/**
 * An immutable snapshot of the enabled providers, models and routes and the issued keys: who a key is, and where a
 * model or route goes. An issued key reaches only the providers its region policy allows. Thread-safe.
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
    /** Per region policy, type and name, the targets an issued key may try, in provider-id order (a route's order). */
    private final Map<String, Map<ModelType, Map<String, Candidates>>> issuedCandidates;
    private final RouteBook routeBook;
    /** The same per personalized key, over the providers that carry it. */
    private final Map<String, Map<ModelType, Map<String, Candidates>>> personalCandidates;

    Routes(List<Provider> providers, List<ProviderModel> models, List<ApiKey> keys, List<Route> routes,
           List<RouteTarget> routeTargets, TargetHealth health) {
        Map<String, List<Provider>> byKey = new HashMap<>();
        for (Provider provider : providers) {
            byKey.computeIfAbsent(provider.personalizedKey(), key -> new ArrayList<>()).add(provider);
        }
        Map<String, Caller> callers = new HashMap<>();
        byKey.forEach((key, list) -> callers.put(key, Caller.personal(key, List.copyOf(list))));
        this.callersByKey = Map.copyOf(callers);

        Map<String, List<Provider>> byPolicy = new HashMap<>();
        byPolicy.put(ApiKey.ANY_REGION, List.copyOf(providers));
        Map<String, Caller> issued = new HashMap<>();
        keys.forEach(key -> issued.put(key.keyHash(), Caller.issued(key, byPolicy.computeIfAbsent(
                RegionPolicy.of(key), policy -> providers.stream()
                        .filter(provider -> RegionPolicy.allows(policy, provider)).toList()))));
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
        this.routeBook = new RouteBook(routes, routeTargets, modelsByProvider, health);

        Map<String, Map<ModelType, Map<String, Candidates>>> byPolicyCandidates = new HashMap<>();
        byPolicy.forEach((policy, list) -> byPolicyCandidates.put(policy, candidatesOf(list, health,
                target -> RegionPolicy.allows(policy, target.provider()), false)));
        this.issuedCandidates = Map.copyOf(byPolicyCandidates);
        Map<String, Map<ModelType, Map<String, Candidates>>> personal = new HashMap<>();
        byKey.forEach((key, list) -> personal.put(key, candidatesOf(list, health,
                target -> list.contains(target.provider()), true)));
        this.personalCandidates = Map.copyOf(personal);
    }

    /**
     * Per type and name, the targets of these providers in their order, with a breaker each when there are several,
     * and the routes whose targets {@code reachable} lets through (every one of them when {@code everyTarget}).
     */
    private Map<ModelType, Map<String, Candidates>> candidatesOf(List<Provider> providers, TargetHealth health,
                                                                 Predicate<Target> reachable,
                                                                 boolean everyTarget) {
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
            candidates.put(type, built);
        });
        routeBook.addTo(candidates, reachable, everyTarget);
        candidates.replaceAll((type, byName) -> Map.copyOf(byName));
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
            throw wrongType(model, otherType, type);
        }
        ApiError outside = outsideRegion(caller, model, type);
        throw outside != null ? outside : ApiError.modelNotFound(model);
    }

    private static ApiError wrongType(String model, ModelType found, ModelType wanted) {
        return ApiError.invalidRequest("The model '" + model + "' is a model of type " + found.wireName()
                + "; this endpoint needs a model of type " + wanted.wireName() + ".", "model");
    }

    /** The 403 for a name only providers outside an issued key's region policy serve; null when that is not why. */
    private ApiError outsideRegion(Caller caller, String model, ModelType type) {
        if (caller.key() == null || RegionPolicy.of(caller.key()).equals(ApiKey.ANY_REGION)) {
            return null;
        }
        Map<String, Candidates> everywhere = issuedCandidates.get(ApiKey.ANY_REGION).get(type);
        if (everywhere == null || !everywhere.containsKey(model)) {
            return null;
        }
        return ApiError.permissionDenied("This key's region policy '" + RegionPolicy.of(caller.key())
                + "' excludes every provider of the model '" + model + "'.");
    }

    /**
     * The targets that serve a model or route of this type for this caller: a model's in provider-id order (the first
     * is tried first, the next is its fallback), a route's with its plan. Refused like {@link #resolve} when there is
     * none; a route with no usable target is 503 no_healthy_target.
     */
    public Candidates candidates(Caller caller, String model, ModelType type) {
        Map<ModelType, Map<String, Candidates>> byType = candidatesOf(caller);
        Map<String, Candidates> byName = byType == null ? null : byType.get(type);
        Candidates found = byName == null ? null : byName.get(model);
        if (found == null || found.targets().isEmpty() || !caller.mayUse(model)) {
            throw refusal(caller, model, type, found);
        }
        return found;
    }

    /** Per type and name, what this caller may call; null for a personalized key no enabled provider carries. */
    private Map<ModelType, Map<String, Candidates>> candidatesOf(Caller caller) {
        return caller.key() == null
                ? personalCandidates.get(caller.apiKey()) : issuedCandidates.get(RegionPolicy.of(caller.key()));
    }

    private ApiError refusal(Caller caller, String model, ModelType type, Candidates found) {
        if (caller.mayUse(model) && found != null) {
            return ApiError.noHealthyTarget(model);
        }
        ModelType routeType = routeBook.type(model);
        if (caller.mayUse(model) && routeType != null && routeType != type) {
            return wrongType(model, routeType, type);
        }
        resolve(caller, model, type);  // throws the refusal
        return ApiError.modelNotFound(model);
    }

    /** The routes this caller may use, each with its reachable targets; all types when type is null. */
    public List<Candidates> routes(Caller caller, ModelType type) {
        Map<ModelType, Map<String, Candidates>> byType = candidatesOf(caller);
        List<Candidates> found = new ArrayList<>();
        if (byType != null) {
            byType.forEach((kind, byName) -> byName.forEach((name, candidates) -> {
                if ((type == null || type == kind) && candidates.route() != null && !candidates.targets().isEmpty()
                        && caller.mayUse(name)) {
                    found.add(candidates);
                }
            }));
        }
        found.sort(Comparator.comparing(candidates -> candidates.route().name()));
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
