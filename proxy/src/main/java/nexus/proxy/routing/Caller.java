package nexus.proxy.routing;

import java.util.List;
import java.util.Set;

import nexus.shared.db.ApiKey;
import nexus.shared.db.Provider;
import nexus.shared.secret.KeyHash;

/**
 * An authenticated client: the name its usage rows carry, the owner name its stored things (conversations, responses,
 * videos) are filed under, the enabled providers it may reach (lowest id first), and for an issued key its row and
 * the model names it is limited to (empty: all). A provider's personalized key is named by itself in usage rows, as
 * it always was, and owns as {@code personal:} and its SHA-256; an issued key is {@code key:<id>} for both, so no
 * issued key is ever stored.
 */
public record Caller(String apiKey, String owner, List<Provider> providers, ApiKey key, Set<String> allowedModels) {

    /** A caller with a provider's personalized key. */
    public static Caller personal(String personalizedKey, List<Provider> providers) {
        return new Caller(personalizedKey, personalOwner(personalizedKey), providers, null, Set.of());
    }

    /** The owner name of a personalized key. */
    public static String personalOwner(String personalizedKey) {
        return "personal:" + KeyHash.of(personalizedKey);
    }

    /** A caller with an issued key, which may reach every enabled provider. */
    public static Caller issued(ApiKey key, List<Provider> providers) {
        return new Caller(key.owner(), key.owner(), providers, key, Set.copyOf(key.modelNames()));
    }

    /** True when this caller may use the model or route of that name. */
    public boolean mayUse(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }

    @Override
    public String toString() {
        return "Caller[owner=" + owner + ", providers=" + providers.stream().map(Provider::id).toList() + "]";
    }
}
