package nexus.proxy.routing;

import nexus.shared.db.ApiKey;
import nexus.shared.db.Provider;

/** Which providers a key's region policy lets it reach: {@code any}, {@code cn-only} or {@code overseas-only}. */
final class RegionPolicy {

    private RegionPolicy() {}

    /** The key's policy; {@code any} when it has none. */
    static String of(ApiKey key) {
        return key.regionPolicy() == null ? ApiKey.ANY_REGION : key.regionPolicy();
    }

    /** True when a provider of its region (empty: serves both) may serve a key of this policy. */
    static boolean allows(String policy, Provider provider) {
        String region = provider.region();
        if (region == null || region.isEmpty()) {
            return true;
        }
        return switch (policy) {
            case "cn-only" -> region.equals("cn");
            case "overseas-only" -> region.equals("overseas");
            default -> true;
        };
    }
}
