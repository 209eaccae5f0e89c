package nexus.proxy.usage;

import com.fasterxml.jackson.databind.JsonNode;

import nexus.shared.db.UsageSource;

/** Token counts of one request and where they came from. */
public record TokenUsage(long promptTokens, long completionTokens, long totalTokens, UsageSource source) {

    public static final TokenUsage MISSING = new TokenUsage(0, 0, 0, UsageSource.MISSING);

    /** Reads an OpenAI {@code usage} object; null when the node is absent or has no token counts. */
    public static TokenUsage reported(JsonNode usage) {
        if (usage == null || !usage.isObject()
                || !usage.path("prompt_tokens").canConvertToLong() || !usage.path("completion_tokens").canConvertToLong()) {
            return null;
        }
        long prompt = usage.get("prompt_tokens").asLong();
        long completion = usage.get("completion_tokens").asLong();
        long total = usage.path("total_tokens").canConvertToLong() ? usage.get("total_tokens").asLong() : prompt + completion;
        return new TokenUsage(prompt, completion, total, UsageSource.REPORTED);
    }

    public static TokenUsage estimated(long prompt, long completion) {
        return new TokenUsage(prompt, completion, prompt + completion, UsageSource.ESTIMATED);
    }
}
