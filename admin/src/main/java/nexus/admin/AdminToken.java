package nexus.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.javalin.http.Context;
import nexus.shared.error.ApiError;

/**
 * The admin token check: when a token is configured, every route but {@code /health} needs
 * {@code Authorization: Bearer <token>}. Immutable and thread-safe.
 */
final class AdminToken {

    private static final String BEARER = "bearer ";
    private static final String OPEN_PATH = "/health";

    /** SHA-256 of the configured token, or null when the admin API is open. */
    private final byte[] expectedDigest;

    AdminToken(String token) {
        this.expectedDigest = token == null ? null : sha256(token);
    }

    /** A before-handler: throws 401 unless the request carries the token. */
    void check(Context ctx) {
        if (expectedDigest == null || OPEN_PATH.equals(ctx.path())) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw ApiError.missingApiKey();
        }
        String presented = header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? header.substring(BEARER.length()).strip()
                : "";
        // Digests have one length, so the comparison takes the same time whatever was presented.
        if (!MessageDigest.isEqual(expectedDigest, sha256(presented))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw ApiError.invalidApiKey();
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
