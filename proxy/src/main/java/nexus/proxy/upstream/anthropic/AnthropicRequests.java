package nexus.proxy.upstream.anthropic;

import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.upstream.UntranslatableRequestException;

/**
 * Translates an OpenAI chat completion request into an Anthropic Messages API request
 * (https://docs.anthropic.com/en/api/messages). Every field is translated, dropped because it cannot change the
 * answer, or refused with a 400 naming it: nothing that would change the answer is lost. Stateless.
 */
final class AnthropicRequests {

    /** Anthropic requires {@code max_tokens}; OpenAI does not. Long enough for a chat answer, short of any cap. */
    static final int DEFAULT_MAX_TOKENS = 4096;

    /** OpenAI fields with no effect on the answer (storage, routing, cache hints, our own stream usage). */
    private static final Set<String> DROPPED = Set.of("stream_options", "store", "metadata", "service_tier",
            "prompt_cache_key", "prompt_cache_retention");

    /** Anthropic's own fields, passed on as they are for clients that know they talk to Claude. */
    private static final Set<String> ANTHROPIC_OWN = Set.of("top_k", "thinking");

    /** OpenAI fields accepted only with the value that leaves the answer as Anthropic gives it. */
    private static final Map<String, String> NEUTRAL_ONLY = Map.of(
            "n", "1 (Anthropic answers one choice)",
            "logprobs", "false (Anthropic reports no log probabilities)",
            "top_logprobs", "0 (Anthropic reports no log probabilities)",
            "frequency_penalty", "0 (Anthropic has no penalties)",
            "presence_penalty", "0 (Anthropic has no penalties)",
            "logit_bias", "empty (Anthropic has no logit bias)",
            "response_format", "{\"type\":\"text\"} (use tools for structured output)",
            "modalities", "[\"text\"] (Anthropic answers text)");

    private AnthropicRequests() {}

    /** The Messages API request for {@code body}, sent to {@code model}; throws for what cannot be translated. */
    static ObjectNode toMessagesRequest(ObjectNode body, String model, boolean stream, ObjectMapper mapper) {
        ObjectNode request = mapper.createObjectNode();
        request.put("model", model);
        request.put("max_tokens", maxTokens(body));
        AnthropicMessages.translate((ArrayNode) body.get("messages"), request, mapper);
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            switch (name) {
                case "model", "messages", "stream", "max_tokens", "max_completion_tokens", "tools", "tool_choice",
                     "parallel_tool_calls", "safety_identifier" -> { }
                case "temperature", "top_p" -> request.set(name, unitInterval(value, name));
                case "stop" -> stopSequences(value, request);
                case "user" -> request.putObject("metadata").set("user_id", text(value, name));
                default -> other(name, value, request);
            }
        }
        JsonNode safetyIdentifier = body.path("safety_identifier");
        if (!request.has("metadata") && !safetyIdentifier.isMissingNode() && !safetyIdentifier.isNull()) {
            request.putObject("metadata").set("user_id", text(safetyIdentifier, "safety_identifier"));
        }
        AnthropicTools.translate(body, request, mapper);
        if (stream) {
            request.put("stream", true);
        }
        return request;
    }

    private static void other(String name, JsonNode value, ObjectNode request) {
        if (DROPPED.contains(name)) {
            return;
        }
        if (ANTHROPIC_OWN.contains(name)) {
            request.set(name, value);
            return;
        }
        String neutral = NEUTRAL_ONLY.get(name);
        if (neutral == null) {
            throw UntranslatableRequestException.field("'" + name + "' cannot be translated for an Anthropic "
                    + "provider; remove it.", name);
        }
        if (!isNeutral(name, value)) {
            throw UntranslatableRequestException.field("'" + name + "' must be " + neutral
                    + " for an Anthropic provider.", name);
        }
    }

    private static boolean isNeutral(String name, JsonNode value) {
        return switch (name) {
            case "n" -> value.isIntegralNumber() && value.asLong() == 1;
            case "logprobs" -> value.isBoolean() && !value.asBoolean();
            case "top_logprobs", "frequency_penalty", "presence_penalty" -> value.isNumber() && value.asDouble() == 0;
            case "logit_bias" -> value.isObject() && value.isEmpty();
            case "response_format" -> value.isObject() && value.size() == 1 && "text".equals(value.path("type").asText());
            case "modalities" -> value.isArray() && value.size() == 1 && "text".equals(value.get(0).asText());
            default -> false;
        };
    }

    /** {@code max_completion_tokens}, else {@code max_tokens}, else the default. */
    private static int maxTokens(ObjectNode body) {
        for (String name : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode value = body.get(name);
            if (value != null && !value.isNull()) {
                if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
                    throw UntranslatableRequestException.field("'" + name + "' must be a positive integer.", name);
                }
                return value.asInt();
            }
        }
        return DEFAULT_MAX_TOKENS;
    }

    /** A number from 0 to 1: Anthropic's range for temperature and top_p (OpenAI's temperature goes up to 2). */
    private static JsonNode unitInterval(JsonNode value, String name) {
        if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
            throw UntranslatableRequestException.field("'" + name + "' must be a number from 0 to 1 for an "
                    + "Anthropic provider.", name);
        }
        return value;
    }

    private static void stopSequences(JsonNode stop, ObjectNode request) {
        if (stop.isTextual()) {
            request.putArray("stop_sequences").add(stop);
            return;
        }
        if (!stop.isArray()) {
            throw UntranslatableRequestException.field("'stop' must be a string or an array of strings.", "stop");
        }
        for (JsonNode sequence : stop) {
            if (!sequence.isTextual()) {
                throw UntranslatableRequestException.field("'stop' must be a string or an array of strings.", "stop");
            }
        }
        if (!stop.isEmpty()) {
            ArrayNode sequences = request.putArray("stop_sequences");
            sequences.addAll((ArrayNode) stop);
        }
    }

    private static JsonNode text(JsonNode value, String name) {
        if (!value.isTextual()) {
            throw UntranslatableRequestException.field("'" + name + "' must be a string.", name);
        }
        return value;
    }
}
