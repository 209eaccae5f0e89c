package nexus.shared.db;

import org.jdbi.v3.core.mapper.reflect.JdbiConstructor;

/**
 * One row of {@code provider}. The server key and the outbound proxy's credentials are secrets: {@link #toString()}
 * masks them, and the database holds them encrypted. {@code httpProxy} is empty for a direct connection; {@code region}
 * is {@code cn}, {@code overseas}, or empty for a provider that serves both.
 */
public record Provider(long id, String name, ProviderKind kind, String serverUrl, @Encrypted String serverKey,
                       String personalizedKey, String description, boolean enabled, long createdAtMillis,
                       @Encrypted String httpProxy, ResponsesMode responses, String region) {

    @JdbiConstructor
    public Provider {}

    /** A provider that serves both regions. */
    public Provider(long id, String name, ProviderKind kind, String serverUrl, String serverKey, String personalizedKey,
                    String description, boolean enabled, long createdAtMillis, String httpProxy,
                    ResponsesMode responses) {
        this(id, name, kind, serverUrl, serverKey, personalizedKey, description, enabled, createdAtMillis, httpProxy,
                responses, "");
    }

    /** A provider whose Responses API mode is {@link ResponsesMode#AUTO}. */
    public Provider(long id, String name, ProviderKind kind, String serverUrl, String serverKey, String personalizedKey,
                    String description, boolean enabled, long createdAtMillis, String httpProxy) {
        this(id, name, kind, serverUrl, serverKey, personalizedKey, description, enabled, createdAtMillis, httpProxy,
                ResponsesMode.AUTO);
    }

    /** True when its server speaks OpenAI's Responses API itself, so {@code /v1/responses} passes through. */
    public boolean speaksResponsesApi() {
        return kind == ProviderKind.OPENAI && (responses == ResponsesMode.NATIVE
                || responses == ResponsesMode.AUTO && serverUrl.startsWith(ResponsesMode.OPENAI_URL));
    }

    @Override
    public String toString() {
        return "Provider[id=" + id + ", name=" + name + ", kind=" + kind.wireName() + ", serverUrl=" + serverUrl
                + ", serverKey=" + Secrets.mask(serverKey) + ", httpProxy=" + ProxyAddress.masked(httpProxy)
                + ", enabled=" + enabled + "]";
    }
}
