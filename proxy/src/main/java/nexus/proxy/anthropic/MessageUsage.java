package nexus.proxy.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.usage.TokenUsage;

/**
 * Anthropic's {@code usage} object from a recorded count. OpenAI's prompt tokens include the cached ones, Anthropic's
 * {@code input_tokens} do not: the tokens read from and written to the prompt cache are
 * {@code cache_read_input_tokens} and {@code cache_creation_input_tokens}, and only the rest is {@code input_tokens}.
 */
final class MessageUsage {

    private MessageUsage() {}

    /** Puts {@code usage} into {@code parent}. */
    static void write(ObjectNode parent, TokenUsage used) {
        long cacheRead = Math.min(used.cacheReadTokens(), used.promptTokens());
        long cacheCreation = Math.min(used.cacheCreationTokens(), used.promptTokens() - cacheRead);
        parent.putObject("usage")
                .put("input_tokens", used.promptTokens() - cacheRead - cacheCreation)
                .put("cache_creation_input_tokens", cacheCreation)
                .put("cache_read_input_tokens", cacheRead)
                .put("output_tokens", used.completionTokens());
    }
}
