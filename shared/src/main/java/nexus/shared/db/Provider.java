package nexus.shared.db;

/** One row of {@code provider}. The server key is a secret: {@link #toString()} masks it. */
public record Provider(long id, String name, ProviderKind kind, String serverUrl, String serverKey,
                       String personalizedKey, String description, boolean enabled, long createdAtMillis) {

    @Override
    public String toString() {
        return "Provider[id=" + id + ", name=" + name + ", kind=" + kind.wireName() + ", serverUrl=" + serverUrl
                + ", serverKey=" + Secrets.mask(serverKey) + ", enabled=" + enabled + "]";
    }
}
