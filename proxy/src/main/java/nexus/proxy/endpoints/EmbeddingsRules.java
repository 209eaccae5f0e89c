package nexus.proxy.endpoints;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.usage.TokenCounter;
import nexus.proxy.usage.TokenUsage;
import nexus.shared.db.UsageSource;

/** {@code POST /v1/embeddings}: OpenAI's embeddings request; the answer reports prompt tokens only. */
public final class EmbeddingsRules implements EndpointRules {

    @Override
    public void validate(ObjectNode body) {
        TextInput.read(body, "input", false);
        Fields.oneOf(body, "encoding_format", Set.of("float", "base64"));
        Fields.integer(body, "dimensions", 1, Integer.MAX_VALUE);
        Fields.string(body, "user");
    }

    @Override
    public long promptTokens(ObjectNode body, TokenCounter tokens, String model) {
        return TextInput.read(body, "input", false).tokens(tokens, model);
    }

    /** {@code usage: {prompt_tokens, total_tokens}}. */
    @Override
    public TokenUsage reported(ObjectNode answerFields) {
        JsonNode usage = answerFields.path("usage");
        if (!usage.path("prompt_tokens").canConvertToLong()) {
            return null;
        }
        long prompt = usage.get("prompt_tokens").asLong();
        long total = usage.path("total_tokens").canConvertToLong() ? usage.get("total_tokens").asLong() : prompt;
        return new TokenUsage(prompt, 0, total, 0, 0, UsageSource.REPORTED);
    }
}
