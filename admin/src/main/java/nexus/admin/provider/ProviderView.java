package nexus.admin.provider;

import nexus.shared.db.Provider;
import nexus.shared.db.ProxyAddress;
import nexus.shared.db.Secrets;

/** A provider as the admin API shows it: the server key and the proxy's password masked, the creation time as ISO-8601 UTC. Immutable. */
public record ProviderView(long id, String name, String kind, String serverUrl, String serverKey,
                           String personalizedKey, String description, boolean enabled, String httpProxy,
                           String createdAt, String responses, String region) {

    public static ProviderView of(Provider provider) {
        return new ProviderView(provider.id(), provider.name(), provider.kind().wireName(), provider.serverUrl(),
                Secrets.mask(provider.serverKey()), provider.personalizedKey(), provider.description(),
                provider.enabled(), ProxyAddress.masked(provider.httpProxy()), Timestamps.iso(provider.createdAtMillis()),
                provider.responses().wireName(), provider.region());
    }
}
