package nexus.proxy.upstream.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A non-streamed Anthropic message as an OpenAI {@code chat.completion}: text blocks joined into {@code content},
 * {@code tool_use} blocks as {@code tool_calls}, {@code thinking} as {@code reasoning_content}. Stateless.
 */
final class AnthropicResponses {

    private AnthropicResponses() {}

    /** True when the tree looks like a Messages API message. */
    static boolean isMessage(JsonNode message) {
        return message != null && message.isObject() && message.path("content").isArray();
    }

    /** The completion for a message; {@code createdSeconds} stands in for the creation time Anthropic does not send. */
    static ObjectNode toChatCompletion(JsonNode message, long createdSeconds, ObjectMapper mapper) {
        ObjectNode completion = mapper.createObjectNode();
        completion.put("id", message.path("id").asText());
        completion.put("object", "chat.completion");
        completion.put("created", createdSeconds);
        completion.put("model", message.path("model").asText());
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("message", assistantMessage(message.get("content"), mapper));
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(message.path("stop_reason").asText(null)));
        ObjectNode usage = AnthropicUsage.toOpenAi(message.get("usage"), mapper);
        if (usage != null) {
            completion.set("usage", usage);
        }
        return completion;
    }

    private static ObjectNode assistantMessage(JsonNode blocks, ObjectMapper mapper) {
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode calls = mapper.createArrayNode();
        for (JsonNode block : blocks) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "thinking" -> reasoning.append(block.path("thinking").asText());
                case "tool_use" -> {
                    ObjectNode call = calls.addObject();
                    call.put("id", block.path("id").asText());
                    call.put("type", "function");
                    ObjectNode function = call.putObject("function");
                    function.put("name", block.path("name").asText());
                    function.put("arguments", block.path("input").toString());
                }
                default -> { }  // redacted thinking and server tool blocks have no OpenAI counterpart
            }
        }
        ObjectNode message = mapper.createObjectNode();
        message.put("role", "assistant");
        message.put("content", text.isEmpty() && !calls.isEmpty() ? null : text.toString());
        if (!reasoning.isEmpty()) {
            message.put("reasoning_content", reasoning.toString());
        }
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        message.putNull("refusal");
        return message;
    }

    /** Anthropic's {@code stop_reason} as OpenAI's {@code finish_reason}; null stays null. */
    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";  // end_turn, stop_sequence, pause_turn
        };
    }
}
