package nexus.proxy.anthropic;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.chat.MessageText;
import nexus.proxy.usage.TokenUsage;

/**
 * Translates an OpenAI {@code chat.completion} into an Anthropic {@code message}
 * (https://docs.claude.com/en/api/messages): reasoning becomes a thinking block, content a text block, each tool call
 * a tool_use block. Stateless.
 */
final class ChatToMessage {

    private ChatToMessage() {}

    /**
     * @param used      the tokens the call cost, as recorded (reported, or estimated when the upstream sent none)
     * @param messageId the message's id: Nexus's own, {@code msg_…} as Anthropic's clients expect, never the
     *                  upstream's {@code chatcmpl-…}
     * @param model     the model to name when the completion names none
     */
    static ObjectNode translate(JsonNode completion, TokenUsage used, String messageId, String model,
                                List<String> stopSequences, ObjectMapper mapper) {
        JsonNode choice = completion.path("choices").path(0);
        JsonNode answer = choice.path("message");
        ObjectNode message = mapper.createObjectNode();
        message.put("id", messageId);
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", completion.path("model").asText(model));
        ArrayNode content = message.putArray("content");
        String reasoning = answer.path("reasoning_content").asText("");
        if (!reasoning.isEmpty()) {
            content.addObject().put("type", "thinking").put("thinking", reasoning).put("signature", "");
        }
        String text = MessageText.of(answer.get("content"));
        if (!text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : answer.path("tool_calls")) {
            JsonNode function = call.path("function");
            content.addObject()
                    .put("type", "tool_use")
                    .put("id", call.path("id").asText())
                    .put("name", function.path("name").asText())
                    .set("input", input(function.path("arguments").asText(""), mapper));
        }
        StopReasons.StopReason stop = StopReasons.of(choice.path("finish_reason").asText(null),
                choice.get("stop_reason"), stopSequences);
        message.put("stop_reason", stop.reason());
        message.put("stop_sequence", stop.sequence());
        MessageUsage.write(message, used);
        return message;
    }

    /** A tool call's arguments as the tool_use input: {} when blank, the text itself when it is not JSON. */
    private static JsonNode input(String arguments, ObjectMapper mapper) {
        if (arguments.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            return mapper.readTree(arguments);
        } catch (IOException e) {
            return mapper.getNodeFactory().textNode(arguments);
        }
    }
}
