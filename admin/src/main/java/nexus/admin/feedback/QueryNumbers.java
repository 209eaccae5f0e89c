package nexus.admin.feedback;

import io.javalin.http.Context;

import nexus.shared.error.ApiError;

/** Reads whole-number query parameters that must lie in a range. Stateless. */
final class QueryNumbers {

    private QueryNumbers() {}

    /** The parameter from {@code min} to {@code max}, {@code fallback} when absent or empty, else a 400 naming it. */
    static int inRange(Context ctx, String name, int min, int max, int fallback) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.invalidRequest("'" + name + "' must be a whole number from " + min + " to " + max + ".", name);
    }
}
