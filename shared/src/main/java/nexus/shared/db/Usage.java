package nexus.shared.db;

import org.jdbi.v3.core.mapper.reflect.JdbiConstructor;

/**
 * One row of {@code usage}: what one proxied request cost and how it ended.
 * {@code firstTokenMillis} is null when no content arrived (or the request was not streamed). Of the prompt tokens,
 * {@code cacheReadTokens} were served from the upstream's prompt cache and {@code cacheCreationTokens} written to it;
 * {@code images} counts the images generated. {@code keyId} is the issued key it was made with (null for a personalized
 * key); {@code costNanos} what it cost in nano-units, taken from that key's balance when {@code billedToBalance} (a
 * ledger entry is written with the row). {@code attempt} numbers the attempts of one call (1 for the first; each
 * target tried is a row of its own); {@code route} is the route the client named, or null for a plain model name;
 * {@code pastOpenCircuit} is true when its target was tried although its circuit was open, because every target's was.
 */
public record Usage(long id, String requestId, String apiKey, long providerId, String providerName, String model,
                    String conversationId, String endpoint, boolean stream, long promptTokens, long completionTokens,
                    long totalTokens, UsageSource usageSource, int status, boolean truncated, String errorCode,
                    long latencyMillis, Long firstTokenMillis, long createdAtMillis, long cacheReadTokens,
                    long cacheCreationTokens, long images, Long keyId, long costNanos, boolean billedToBalance,
                    int attempt, String route, boolean pastOpenCircuit) {

    @JdbiConstructor
    public Usage {}

    /** A row of a call's first (or only) attempt, for no route. */
    public Usage(long id, String requestId, String apiKey, long providerId, String providerName, String model,
                 String conversationId, String endpoint, boolean stream, long promptTokens, long completionTokens,
                 long totalTokens, UsageSource usageSource, int status, boolean truncated, String errorCode,
                 long latencyMillis, Long firstTokenMillis, long createdAtMillis, long cacheReadTokens,
                 long cacheCreationTokens, long images, Long keyId, long costNanos, boolean billedToBalance) {
        this(id, requestId, apiKey, providerId, providerName, model, conversationId, endpoint, stream, promptTokens,
                completionTokens, totalTokens, usageSource, status, truncated, errorCode, latencyMillis,
                firstTokenMillis, createdAtMillis, cacheReadTokens, cacheCreationTokens, images, keyId, costNanos,
                billedToBalance, 1, null, false);
    }

    @Override
    public String toString() {
        return "Usage[requestId=" + requestId + ", apiKey=" + Secrets.prefix(apiKey) + ", model=" + model
                + ", status=" + status + ", tokens=" + promptTokens + "/" + completionTokens + "]";
    }
}
