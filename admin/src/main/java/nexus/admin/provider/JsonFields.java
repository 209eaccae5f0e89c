package nexus.admin.provider;

import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.shared.error.ApiError;

/**
 * A request body read as a JSON object, field by field, so that every error names its field.
 * A field sent as {@code null} counts as left out. Immutable; one per request.
 */
final class JsonFields {

    /** Fields a client may send back from a GET, and that input ignores. */
    private static final Set<String> READ_ONLY = Set.of("id", "created_at");

    private final ObjectNode object;

    private JsonFields(ObjectNode object) {
        this.object = object;
    }

    /** Parses a body that must be one JSON object with only the known (or read-only) fields. */
    static JsonFields parse(ObjectMapper mapper, String body, Set<String> knownFields) {
        if (body == null || body.isBlank()) {
            throw ApiError.invalidRequest("The request body is empty; send a JSON object.", null);
        }
        JsonNode tree;
        try {
            tree = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            String position = where == null ? ""
                    : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
            throw ApiError.invalidRequest("The request body is not valid JSON" + position + ".", null);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw ApiError.invalidRequest("The request body must be a JSON object.", null);
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!knownFields.contains(name) && !READ_ONLY.contains(name)) {
                throw ApiError.invalidRequest("Unknown field '" + name + "'; known fields: "
                        + String.join(", ", knownFields.stream().sorted().toList()) + ".", name);
            }
        }
        return new JsonFields(object);
    }

    /** The field's text, or null when left out; any other JSON type is refused. */
    String text(String field) {
        JsonNode value = present(field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiError.invalidRequest("'" + field + "' must be a string.", field);
        }
        return value.textValue();
    }

    /** The field's boolean, or null when left out; strings such as "true" are refused. */
    Boolean bool(String field) {
        JsonNode value = present(field);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw ApiError.invalidRequest("'" + field + "' must be a boolean.", field);
        }
        return value.booleanValue();
    }

    /** The field's whole number, or null when left out; fractions, strings and huge numbers are refused. */
    Long integer(String field) {
        JsonNode value = present(field);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiError.invalidRequest("'" + field + "' must be an integer.", field);
        }
        return value.longValue();
    }

    private JsonNode present(String field) {
        JsonNode value = object.get(field);
        return value == null || value.isNull() ? null : value;
    }
}
