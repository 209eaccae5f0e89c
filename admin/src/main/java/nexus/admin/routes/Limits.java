package nexus.admin.routes;

import com.fasterxml.jackson.databind.JsonNode;

import nexus.admin.provider.JsonFields;
import nexus.shared.error.ApiError;

/** Reads whole numbers that must lie in a range, naming the field when they do not. Stateless. */
final class Limits {

    private Limits() {}

    /** The field's whole number from {@code min} to {@code max}, or null when left out or null. */
    static Long range(JsonFields fields, String field, long min, long max) {
        return checked(fields.integer(field), field, min, max);
    }

    /** The same for a value inside a nested object, named in errors as {@code field}. */
    static Long range(JsonNode value, String field, long min, long max) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiError.invalidRequest("'" + field + "' must be an integer.", field);
        }
        return checked(value.longValue(), field, min, max);
    }

    private static Long checked(Long value, String field, long min, long max) {
        if (value != null && (value < min || value > max)) {
            String bound = max == Long.MAX_VALUE ? "at least " + min : "from " + min + " to " + max;
            throw ApiError.invalidRequest("'" + field + "' must be " + bound + ".", field);
        }
        return value;
    }
}
