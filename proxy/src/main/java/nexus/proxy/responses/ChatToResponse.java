package nexus.proxy.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.chat.MessageText;
import nexus.proxy.usage.TokenUsage;

/**
 * Translates a {@code chat.completion} into the output of a Responses API {@code response}: reasoning
 * ({@code reasoning_content}) first, then the message's text, then each tool call as a {@code function_call} item.
 * Stateless.
 */
final class ChatToResponse {

    private ChatToResponse() {}

    /**
     * Fills {@code response} (as {@link ResponseObjects#started} made it) from the completion.
     *
     * @param used the tokens the call cost, as recorded (reported, or estimated when the upstream sent none)
     */
    static ObjectNode translate(JsonNode completion, TokenUsage used, ObjectNode response, ObjectMapper mapper) {
        String id = response.get("id").asText();
        JsonNode choice = completion.path("choices").path(0);
        JsonNode answer = choice.path("message");
        String finishReason = choice.path("finish_reason").asText(null);
        boolean cut = "length".equals(finishReason);
        ArrayNode output = (ArrayNode) response.get("output");
        String reasoning = answer.path("reasoning_content").asText("");
        if (!reasoning.isEmpty()) {
            output.add(ResponseObjects.reasoning(ResponseObjects.itemId("rs", id, output.size()), reasoning, mapper));
        }
        String text = MessageText.of(answer.get("content"));
        if (!text.isEmpty() || answer.path("tool_calls").isEmpty()) {
            output.add(ResponseObjects.message(ResponseObjects.itemId("msg", id, output.size()), text,
                    cut && answer.path("tool_calls").isEmpty() ? "incomplete" : "completed", mapper));
        }
        for (JsonNode call : answer.path("tool_calls")) {
            JsonNode function = call.path("function");
            output.add(ResponseObjects.functionCall(ResponseObjects.itemId("fc", id, output.size()),
                    call.path("id").asText(), function.path("name").asText(), function.path("arguments").asText(""),
                    "completed", mapper));
        }
        ResponseObjects.finish(response, finishReason, used, ResponseObjects.reasoningTokens(completion.get("usage")));
        return response;
    }
}
