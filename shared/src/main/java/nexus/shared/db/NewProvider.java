package nexus.shared.db;

/** The columns of a provider row about to be inserted. */
public record NewProvider(String name, ProviderKind kind, String serverUrl, @Encrypted String serverKey,
                          String personalizedKey, String description, boolean enabled, long createdAtMillis,
                          @Encrypted String httpProxy, ResponsesMode responses, String region) {

    /** A provider that serves both regions. */
    public NewProvider(String name, ProviderKind kind, String serverUrl, String serverKey, String personalizedKey,
                       String description, boolean enabled, long createdAtMillis, String httpProxy,
                       ResponsesMode responses) {
        this(name, kind, serverUrl, serverKey, personalizedKey, description, enabled, createdAtMillis, httpProxy,
                responses, "");
    }

    /** A provider whose Responses API mode is {@link ResponsesMode#AUTO}. */
    public NewProvider(String name, ProviderKind kind, String serverUrl, String serverKey, String personalizedKey,
                       String description, boolean enabled, long createdAtMillis, String httpProxy) {
        this(name, kind, serverUrl, serverKey, personalizedKey, description, enabled, createdAtMillis, httpProxy,
                ResponsesMode.AUTO);
    }

    @Override
    public String toString() {
        return "NewProvider[name=" + name + ", kind=" + kind.wireName() + ", serverKey=" + Secrets.mask(serverKey) + "]";
    }
}
