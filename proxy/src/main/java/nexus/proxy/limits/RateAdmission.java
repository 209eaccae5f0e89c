package nexus.proxy.limits;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import io.github.bucket4j.Bucket;

/**
 * What one admission of an issued key left of its limits, to write as OpenAI's {@code x-ratelimit-*} headers on the
 * answer, and the tokens it took, for {@link RateLimits#settle} to correct once the real count is known. Immutable.
 */
public final class RateAdmission {

    /** A key without limits: no headers, nothing to settle. */
    static final RateAdmission UNLIMITED = new RateAdmission(RateWindow.NONE, RateWindow.NONE, null, 0);

    private final RateWindow requests;
    private final RateWindow tokens;
    /** The bucket the tokens were taken from; null without a tpm. */
    private final Bucket tokenBucket;
    private final long takenTokens;

    RateAdmission(RateWindow requests, RateWindow tokens, Bucket tokenBucket, long takenTokens) {
        this.requests = requests;
        this.tokens = tokens;
        this.tokenBucket = tokenBucket;
        this.takenTokens = takenTokens;
    }

    /**
     * Writes {@code x-ratelimit-limit-requests}, {@code x-ratelimit-remaining-requests},
     * {@code x-ratelimit-reset-requests} when the key has an rpm, and the {@code -tokens} trio when it has a tpm; nothing
     * for a key without limits. Pass where they go: an answer's {@code headers::add}, or a map's {@code put}.
     */
    public void writeHeaders(BiConsumer<String, String> header) {
        requests.writeHeaders(RateWindow.Names.REQUESTS, header);
        tokens.writeHeaders(RateWindow.Names.TOKENS, header);
    }

    /** The same headers as a map, in order. */
    Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        writeHeaders(headers::put);
        return headers;
    }

    Bucket tokenBucket() {
        return tokenBucket;
    }

    long takenTokens() {
        return takenTokens;
    }
}
