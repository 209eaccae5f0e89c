package nexus.shared.db;

/** The columns of a provider row about to be inserted. */
public record NewProvider(String name, ProviderKind kind, String serverUrl, @Encrypted String serverKey,
                          String personalizedKey, String description, boolean enabled, long createdAtMillis,
                          @Encrypted String httpProxy) {

    @Override
    public String toString() {
        return "NewProvider[name=" + name + ", kind=" + kind.wireName() + ", serverKey=" + Secrets.mask(serverKey) + "]";
    }
}
