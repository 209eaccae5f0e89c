package nexus.proxy.routing;

import nexus.shared.error.ApiError;

/** Reads the client key out of an {@code Authorization} header. Stateless. */
public final class BearerKey {

    private static final String BEARER = "bearer ";

    private BearerKey() {}

    /** The key of {@code Bearer <key>}; 401 missing_api_key when there is none, invalid_api_key when malformed. */
    public static String from(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw ApiError.missingApiKey();
        }
        String value = authorization.strip();
        if (value.length() <= BEARER.length() || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw ApiError.invalidApiKey();
        }
        String key = value.substring(BEARER.length()).strip();
        if (key.isEmpty()) {
            throw ApiError.missingApiKey();
        }
        return key;
    }
}
