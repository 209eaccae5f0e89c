package nexus.admin.provider;

import io.javalin.http.Context;

import nexus.shared.error.ApiError;

/** Reads numeric ids from the request path. Stateless. */
public final class PathIds {

    private PathIds() {}

    /** The path parameter as a positive id; anything else is a 400 naming the parameter. */
    public static long positive(Context ctx, String name) {
        String value = ctx.pathParam(name);
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.invalidRequest("'" + name + "' in the path must be a positive integer.", name);
    }
}
