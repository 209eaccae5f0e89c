package nexus.shared.db;

/**
 * One row of {@code provider}. The server key and the outbound proxy's credentials are secrets: {@link #toString()}
 * masks them, and the database holds them encrypted. {@code httpProxy} is empty for a direct connection.
 */
public record Provider(long id, String name, ProviderKind kind, String serverUrl, @Encrypted String serverKey,
                       String personalizedKey, String description, boolean enabled, long createdAtMillis,
                       @Encrypted String httpProxy) {

    @Override
    public String toString() {
        return "Provider[id=" + id + ", name=" + name + ", kind=" + kind.wireName() + ", serverUrl=" + serverUrl
                + ", serverKey=" + Secrets.mask(serverKey) + ", httpProxy=" + ProxyAddress.masked(httpProxy)
                + ", enabled=" + enabled + "]";
    }
}
