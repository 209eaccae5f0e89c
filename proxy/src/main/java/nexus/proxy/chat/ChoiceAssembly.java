package nexus.proxy.chat;

import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One choice of a streamed answer, put back together from its deltas (a chat stream) or its {@code text} pieces (a
 * legacy completion stream). Not thread-safe.
 */
final class ChoiceAssembly {

    private final int index;
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final Map<Integer, ToolCallAssembly> toolCalls = new TreeMap<>();
    private String role = "assistant";
    private String finishReason;

    ChoiceAssembly(int index) {
        this.index = index;
    }

    /**
     * True when a streamed choice carries generated content: non-empty text, or a delta with non-empty content or
     * reasoning, or any tool call.
     */
    static boolean carriesContent(JsonNode choice) {
        JsonNode delta = choice.path("delta");
        return nonEmptyText(choice.path("text")) || nonEmptyText(delta.path("content")) || nonEmptyText(delta.path("reasoning_content"))
                || delta.path("tool_calls").size() > 0;
    }

    private static boolean nonEmptyText(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty();
    }

    /** Adds one chunk's choice. */
    void add(JsonNode choice) {
        JsonNode delta = choice.path("delta");
        if (delta.path("role").isTextual()) {
            role = delta.get("role").asText();
        }
        if (delta.path("content").isTextual()) {
            content.append(delta.get("content").asText());
        }
        if (choice.path("text").isTextual()) {
            content.append(choice.get("text").asText());
        }
        if (delta.path("reasoning_content").isTextual()) {
            reasoning.append(delta.get("reasoning_content").asText());
        }
        for (JsonNode call : delta.path("tool_calls")) {
            toolCalls.computeIfAbsent(call.path("index").asInt(), key -> new ToolCallAssembly()).add(call);
        }
        if (choice.path("finish_reason").isTextual()) {
            finishReason = choice.get("finish_reason").asText();
        }
    }

    void appendGenerated(StringBuilder text) {
        text.append(reasoning).append(content);
        toolCalls.values().forEach(call -> text.append(call.name).append(call.arguments));
    }

    ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode choice = mapper.createObjectNode();
        choice.put("index", index);
        ObjectNode message = choice.putObject("message");
        message.put("role", role);
        message.put("content", content.isEmpty() && !toolCalls.isEmpty() ? null : content.toString());
        if (!reasoning.isEmpty()) {
            message.put("reasoning_content", reasoning.toString());
        }
        if (!toolCalls.isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            toolCalls.values().forEach(call -> {
                ObjectNode node = calls.addObject();
                node.put("id", call.id);
                node.put("type", "function");
                ObjectNode function = node.putObject("function");
                function.put("name", call.name.toString());
                function.put("arguments", call.arguments.toString());
            });
        }
        choice.put("finish_reason", finishReason);
        return choice;
    }

    /** A tool call whose name and arguments arrive in pieces. */
    private static final class ToolCallAssembly {
        private String id;
        private final StringBuilder name = new StringBuilder();
        private final StringBuilder arguments = new StringBuilder();

        void add(JsonNode call) {
            if (call.path("id").isTextual()) {
                id = call.get("id").asText();
            }
            JsonNode function = call.path("function");
            if (function.path("name").isTextual()) {
                name.append(function.get("name").asText());
            }
            if (function.path("arguments").isTextual()) {
                arguments.append(function.get("arguments").asText());
            }
        }
    }
}
