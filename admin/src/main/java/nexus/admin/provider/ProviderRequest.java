package nexus.admin.provider;

import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A provider as a client sent it to {@code POST} or {@code PUT}: each field is null when left out, and only its
 * JSON type has been checked yet. Immutable.
 */
public record ProviderRequest(String name, String kind, String serverUrl, String serverKey, String personalizedKey,
                              String description, Boolean enabled, String httpProxy, String responses,
                              String region) {

    static final Set<String> FIELDS = Set.of("name", "kind", "server_url", "server_key", "personalized_key",
            "description", "enabled", "http_proxy", "responses", "region");

    /** Reads a request body; throws a 400 ApiError naming the field that is wrong. */
    public static ProviderRequest parse(ObjectMapper mapper, byte[] body) {
        JsonFields fields = JsonFields.parse(mapper, body, FIELDS);
        return new ProviderRequest(
                fields.text("name"),
                fields.text("kind"),
                fields.text("server_url"),
                fields.text("server_key"),
                fields.text("personalized_key"),
                fields.multilineText("description", JsonFields.MAX_DESCRIPTION_LENGTH),
                fields.bool("enabled"),
                fields.text("http_proxy"),
                fields.text("responses"),
                fields.text("region"));
    }

    @Override
    public String toString() {
        return "ProviderRequest[name=" + name + ", kind=" + kind + ", serverUrl=" + serverUrl + "]";
    }
}
