package nexus.proxy.endpoints;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.shared.error.ApiError;

/** Checks of single optional request fields, each a 400 naming the field when it fails. Stateless. */
final class Fields {

    private Fields() {}

    /** The field, or null when it is absent or JSON null. */
    static JsonNode optional(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : value;
    }

    static void string(ObjectNode body, String field) {
        JsonNode value = optional(body, field);
        if (value != null && !value.isTextual()) {
            throw ApiError.invalidRequest("'" + field + "' must be a string.", field);
        }
    }

    /** A required string with at least one non-blank character. */
    static String requiredText(ObjectNode body, String field) {
        JsonNode value = optional(body, field);
        if (value == null) {
            throw ApiError.invalidRequest("Missing required parameter: '" + field + "'.", field);
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw ApiError.invalidRequest("'" + field + "' must be a non-empty string.", field);
        }
        return value.asText();
    }

    static void oneOf(ObjectNode body, String field, Set<String> allowed) {
        JsonNode value = optional(body, field);
        if (value != null && !(value.isTextual() && allowed.contains(value.asText()))) {
            throw ApiError.invalidRequest("'" + field + "' must be one of " + String.join(", ", allowed.stream()
                    .sorted().map(name -> "'" + name + "'").toList()) + ".", field);
        }
    }

    static void bool(ObjectNode body, String field) {
        JsonNode value = optional(body, field);
        if (value != null && !value.isBoolean()) {
            throw ApiError.invalidRequest("'" + field + "' must be a boolean.", field);
        }
    }

    /** An integer from {@code min} to {@code max}, inclusive. */
    static void integer(ObjectNode body, String field, long min, long max) {
        JsonNode value = optional(body, field);
        if (value == null) {
            return;
        }
        if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            String range = max == Long.MAX_VALUE ? "an integer of at least " + min
                    : "an integer from " + min + " to " + max;
            throw ApiError.invalidRequest("'" + field + "' must be " + range + ".", field);
        }
    }

    /** A non-negative integer token id. */
    static boolean isTokenId(JsonNode value) {
        return value.isIntegralNumber() && value.asLong() >= 0;
    }
}
