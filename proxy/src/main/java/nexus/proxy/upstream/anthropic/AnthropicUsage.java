package nexus.proxy.upstream.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Anthropic's {@code usage} as OpenAI's: the prompt counts every input token, cached or not (Anthropic's
 * {@code input_tokens} leaves the cache out); both cache counts are kept as they came, for the client and the usage
 * row. Stateless.
 */
public final class AnthropicUsage {

    private AnthropicUsage() {}

    /**
     * The usage of a stream so far, after a {@code message_delta}'s {@code usage}: its counts replace the earlier ones
     * (they are cumulative), the fields it leaves out or sends as null keep theirs. {@code usage} may be null.
     */
    public static ObjectNode merged(ObjectNode usage, JsonNode latest, ObjectMapper mapper) {
        ObjectNode merged = usage != null ? usage : mapper.createObjectNode();
        latest.properties().forEach(field -> {
            if (!field.getValue().isNull()) {
                merged.set(field.getKey(), field.getValue());
            }
        });
        return merged;
    }

    /** The OpenAI {@code usage} object, or null when the node has no token counts. */
    public static ObjectNode toOpenAi(JsonNode usage, ObjectMapper mapper) {
        if (usage == null || !usage.path("input_tokens").canConvertToLong()
                || !usage.path("output_tokens").canConvertToLong()) {
            return null;
        }
        long cacheRead = usage.path("cache_read_input_tokens").asLong(0);
        long cacheCreation = usage.path("cache_creation_input_tokens").asLong(0);
        long prompt = usage.get("input_tokens").asLong() + cacheRead + cacheCreation;
        long completion = usage.get("output_tokens").asLong();
        ObjectNode openAi = mapper.createObjectNode();
        openAi.put("prompt_tokens", prompt);
        openAi.put("completion_tokens", completion);
        openAi.put("total_tokens", prompt + completion);
        openAi.putObject("prompt_tokens_details").put("cached_tokens", cacheRead);
        openAi.put("cache_read_input_tokens", cacheRead);
        openAi.put("cache_creation_input_tokens", cacheCreation);
        return openAi;
    }
}
