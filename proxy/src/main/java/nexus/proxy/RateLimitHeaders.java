package nexus.proxy;

import jakarta.servlet.http.HttpServletResponse;
import okhttp3.Headers;

/**
 * The one place where an upstream's rate-limit headers reach the client: {@code Retry-After}, {@code retry-after-ms},
 * {@code x-ratelimit-*} and Anthropic's {@code anthropic-ratelimit-*}, on errors and successes, JSON and streams alike,
 * so that SDKs back off as the upstream asks. When an issued key has limits of its own, its {@code x-ratelimit-*},
 * set before the upstream is called, are the only ones the client sees (they are the limits its holder has; a mix of
 * the key's requests and the provider account's tokens would mislead); a header Nexus sets later on the same
 * response (its own {@code Retry-After} on an error of its own) replaces the upstream's. Stateless.
 */
final class RateLimitHeaders {

    private static final String RETRY_AFTER = "retry-after";
    private static final String RETRY_AFTER_MS = "retry-after-ms";
    private static final String OPENAI_PREFIX = "x-ratelimit-";
    private static final String ANTHROPIC_PREFIX = "anthropic-ratelimit-";
    /** Written first for a key with an rpm or a tpm of its own. */
    private static final String KEY_REQUESTS = "x-ratelimit-limit-requests";
    private static final String KEY_TOKENS = "x-ratelimit-limit-tokens";

    private RateLimitHeaders() {}

    /** Copies the upstream's rate-limit headers onto a response whose headers have not left yet. */
    static void passOn(Headers upstream, HttpServletResponse response) {
        boolean keyLimits = response.containsHeader(KEY_REQUESTS) || response.containsHeader(KEY_TOKENS);
        for (int index = 0; index < upstream.size(); index++) {
            String name = upstream.name(index);
            if (passedOn(name) && !(keyLimits && startsWithIgnoringCase(name, OPENAI_PREFIX))) {
                response.setHeader(name, upstream.value(index));
            }
        }
    }

    /** Whether a header of an upstream's answer is one of the rate-limit headers passed on. */
    static boolean passedOn(String name) {
        return name.equalsIgnoreCase(RETRY_AFTER) || name.equalsIgnoreCase(RETRY_AFTER_MS)
                || startsWithIgnoringCase(name, OPENAI_PREFIX) || startsWithIgnoringCase(name, ANTHROPIC_PREFIX);
    }

    private static boolean startsWithIgnoringCase(String name, String prefix) {
        return name.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}
