package nexus.proxy.endpoints;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.usage.TokenCounter;
import nexus.proxy.usage.TokenUsage;
import nexus.shared.db.UsageSource;

/**
 * {@code POST /v1/images/generations}: OpenAI's image generation request. Token usage is reported by the GPT image
 * models only ({@code input_tokens}, {@code output_tokens}); the images are counted from the answer's {@code data}.
 */
public final class ImagesRules implements EndpointRules {

    /** The most images one request may ask for, as OpenAI allows. */
    static final int MAX_IMAGES = 10;

    @Override
    public void validate(ObjectNode body) {
        Fields.requiredText(body, "prompt");
        Fields.integer(body, "n", 1, MAX_IMAGES);
        Fields.string(body, "size");
        Fields.oneOf(body, "response_format", Set.of("url", "b64_json"));
        Fields.string(body, "quality");
        Fields.string(body, "style");
        Fields.string(body, "user");
    }

    @Override
    public long promptTokens(ObjectNode body, TokenCounter tokens, String model) {
        return tokens.count(body.path("prompt").asText(), model);
    }

    /** {@code usage: {input_tokens, output_tokens, total_tokens}}. */
    @Override
    public TokenUsage reported(ObjectNode answerFields) {
        JsonNode usage = answerFields.path("usage");
        if (!usage.path("input_tokens").canConvertToLong() || !usage.path("output_tokens").canConvertToLong()) {
            return null;
        }
        long input = usage.get("input_tokens").asLong();
        long output = usage.get("output_tokens").asLong();
        long total = usage.path("total_tokens").canConvertToLong() ? usage.get("total_tokens").asLong() : input + output;
        return new TokenUsage(input, output, total, 0, 0, UsageSource.REPORTED);
    }

    @Override
    public long images(int dataEntries) {
        return dataEntries;
    }
}
