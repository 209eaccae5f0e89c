package nexus.proxy.usage;

import com.fasterxml.jackson.databind.JsonNode;

import nexus.shared.db.UsageSource;

/**
 * Token counts of one request and where they came from. Of the prompt tokens, {@code cacheReadTokens} were served
 * from the upstream's prompt cache and {@code cacheCreationTokens} written to it.
 */
public record TokenUsage(long promptTokens, long completionTokens, long totalTokens, long cacheReadTokens,
                         long cacheCreationTokens, UsageSource source) {

    public static final TokenUsage MISSING = new TokenUsage(0, 0, 0, 0, 0, UsageSource.MISSING);

    /**
     * Reads an OpenAI {@code usage} object; null when the node is absent or has no token counts. Cache reads come from
     * {@code prompt_tokens_details.cached_tokens} (OpenAI) or {@code cache_read_input_tokens}, cache writes from
     * {@code cache_creation_input_tokens} (both as translated from Anthropic).
     */
    public static TokenUsage reported(JsonNode usage) {
        if (usage == null || !usage.isObject()
                || !usage.path("prompt_tokens").canConvertToLong() || !usage.path("completion_tokens").canConvertToLong()) {
            return null;
        }
        long prompt = usage.get("prompt_tokens").asLong();
        long completion = usage.get("completion_tokens").asLong();
        long total = usage.path("total_tokens").canConvertToLong() ? usage.get("total_tokens").asLong() : prompt + completion;
        long cacheRead = count(usage.get("cache_read_input_tokens"),
                count(usage.path("prompt_tokens_details").get("cached_tokens"), 0));
        long cacheCreation = count(usage.get("cache_creation_input_tokens"), 0);
        return new TokenUsage(prompt, completion, total, cacheRead, cacheCreation, UsageSource.REPORTED);
    }

    public static TokenUsage estimated(long prompt, long completion) {
        return new TokenUsage(prompt, completion, prompt + completion, 0, 0, UsageSource.ESTIMATED);
    }

    private static long count(JsonNode value, long fallback) {
        return value != null && value.canConvertToLong() ? value.asLong() : fallback;
    }
}
