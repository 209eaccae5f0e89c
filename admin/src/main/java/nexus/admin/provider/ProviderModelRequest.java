package nexus.admin.provider;

import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A provider model as a client sent it to {@code POST} or {@code PUT}: each field is null when left out, and only
 * its JSON type has been checked yet. Immutable.
 */
public record ProviderModelRequest(Long providerId, String modelName, String description, Boolean enabled,
                                   String type) {

    static final Set<String> FIELDS = Set.of("provider_id", "model_name", "description", "enabled", "type");

    /** Reads a request body; throws a 400 ApiError naming the field that is wrong. */
    public static ProviderModelRequest parse(ObjectMapper mapper, byte[] body) {
        JsonFields fields = JsonFields.parse(mapper, body, FIELDS);
        return new ProviderModelRequest(
                fields.integer("provider_id"),
                fields.text("model_name"),
                fields.multilineText("description", JsonFields.MAX_DESCRIPTION_LENGTH),
                fields.bool("enabled"),
                fields.text("type"));
    }
}
