package nexus.proxy.routing;

import java.util.List;

import nexus.shared.db.Provider;
import nexus.shared.secret.KeyHash;

/**
 * An authenticated client: its key, the owner name its stored things (conversations, responses, videos) are filed
 * under, and the enabled providers that key opens, lowest id first. The owner of a provider's personalized key is
 * {@code personal:} and the key's SHA-256, so no key is stored to say whose something is.
 */
public record Caller(String apiKey, String owner, List<Provider> providers) {

    /** The owner name of a personalized key. */
    public static String personalOwner(String personalizedKey) {
        return "personal:" + KeyHash.of(personalizedKey);
    }

    @Override
    public String toString() {
        return "Caller[owner=" + owner + ", providers=" + providers.stream().map(Provider::id).toList() + "]";
    }
}
