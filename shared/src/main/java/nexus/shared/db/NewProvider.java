package nexus.shared.db;

/** The columns of a provider row about to be inserted. */
public record NewProvider(String name, ProviderKind kind, String serverUrl, String serverKey,
                          String personalizedKey, String description, boolean enabled, long createdAtMillis,
                          String httpProxy) {

    @Override
    public String toString() {
        return "NewProvider[name=" + name + ", kind=" + kind.wireName() + ", serverKey=" + Secrets.mask(serverKey) + "]";
    }
}
