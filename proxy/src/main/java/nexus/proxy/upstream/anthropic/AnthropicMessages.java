package nexus.proxy.upstream.anthropic;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.upstream.UntranslatableRequestException;

/**
 * OpenAI messages as Anthropic's top-level {@code system} text and user/assistant turns: tool calls become
 * {@code tool_use} blocks, tool messages {@code tool_result} blocks in one user turn per run of them. Stateless.
 */
final class AnthropicMessages {

    private static final String SYSTEM_SEPARATOR = "\n\n";

    private AnthropicMessages() {}

    /** Sets {@code system} (when any) and {@code messages} on the Anthropic request. */
    static void translate(ArrayNode messages, ObjectNode request, ObjectMapper mapper) {
        StringBuilder system = new StringBuilder();
        ArrayNode turns = mapper.createArrayNode();
        ArrayNode toolResults = null;
        for (int index = 0; index < messages.size(); index++) {
            JsonNode message = messages.get(index);
            String at = "messages[" + index + "]";
            String role = message.get("role").asText();
            if (!role.equals("tool")) {
                toolResults = null;
            }
            switch (role) {
                case "system", "developer" -> {
                    if (!system.isEmpty()) {
                        system.append(SYSTEM_SEPARATOR);
                    }
                    system.append(text(message.get("content"), at + ".content"));
                }
                case "user" -> turns.addObject().put("role", "user")
                        .set("content", AnthropicContent.user(message.get("content"), at + ".content", mapper));
                case "assistant" -> turns.addObject().put("role", "assistant")
                        .set("content", assistantContent(message, at, mapper));
                case "tool" -> {
                    if (toolResults == null) {
                        toolResults = turns.addObject().put("role", "user").putArray("content");
                    }
                    toolResults.add(toolResult(message, at, mapper));
                }
                default -> throw UntranslatableRequestException.field(at + ".role '" + role
                        + "' cannot be translated for an Anthropic provider; use system, developer, user, assistant "
                        + "or tool.", at + ".role");
            }
        }
        if (turns.isEmpty()) {
            throw UntranslatableRequestException.field("'messages' must hold at least one user or assistant message "
                    + "for an Anthropic provider.", "messages");
        }
        if (!system.isEmpty()) {
            request.put("system", system.toString());
        }
        request.set("messages", turns);
    }

    /** Text content, a string kept as it is; with tool calls, text and {@code tool_use} blocks. */
    private static JsonNode assistantContent(JsonNode message, String at, ObjectMapper mapper) {
        JsonNode content = message.get("content");
        JsonNode calls = message.get("tool_calls");
        boolean hasCalls = calls != null && !calls.isNull();
        if (!hasCalls && content != null && content.isTextual()) {
            return content;
        }
        ArrayNode blocks = mapper.createArrayNode();
        if (content != null && !content.isNull()) {
            String text = text(content, at + ".content");
            if (!text.isEmpty()) {
                blocks.addObject().put("type", "text").put("text", text);
            }
        }
        if (hasCalls) {
            if (!calls.isArray()) {
                throw UntranslatableRequestException.field(at + ".tool_calls must be an array.", at + ".tool_calls");
            }
            for (int index = 0; index < calls.size(); index++) {
                blocks.add(toolUse(calls.get(index), at + ".tool_calls[" + index + "]", mapper));
            }
        }
        return blocks;
    }

    private static ObjectNode toolUse(JsonNode call, String at, ObjectMapper mapper) {
        JsonNode function = call.path("function");
        if (!call.path("id").isTextual() || !function.path("name").isTextual()) {
            throw UntranslatableRequestException.field(at + " must have a string 'id' and 'function.name'.", at);
        }
        ObjectNode block = mapper.createObjectNode();
        block.put("type", "tool_use");
        block.set("id", call.get("id"));
        block.set("name", function.get("name"));
        block.set("input", arguments(function.path("arguments"), at + ".function.arguments", mapper));
        return block;
    }

    /** The JSON object a call's arguments string holds; Anthropic wants the object itself. */
    private static JsonNode arguments(JsonNode arguments, String at, ObjectMapper mapper) {
        if (arguments.isMissingNode() || arguments.isNull() || arguments.asText().isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode parsed = arguments.isTextual() ? mapper.readTree(arguments.asText()) : null;
            if (parsed != null && parsed.isObject()) {
                return parsed;
            }
        } catch (IOException e) {
            // refused below
        }
        throw UntranslatableRequestException.field(at + " must be a string holding a JSON object.", at);
    }

    private static ObjectNode toolResult(JsonNode message, String at, ObjectMapper mapper) {
        if (!message.path("tool_call_id").isTextual()) {
            throw UntranslatableRequestException.field(at + ".tool_call_id must be a string.", at + ".tool_call_id");
        }
        ObjectNode block = mapper.createObjectNode();
        block.put("type", "tool_result");
        block.set("tool_use_id", message.get("tool_call_id"));
        block.put("content", text(message.get("content"), at + ".content"));
        return block;
    }

    /** A string, or the texts of an array of text parts joined. */
    static String text(JsonNode content, String at) {
        if (content != null && content.isTextual()) {
            return content.asText();
        }
        if (content == null || !content.isArray()) {
            throw UntranslatableRequestException.field(at + " must be a string or an array of text parts.", at);
        }
        StringBuilder text = new StringBuilder();
        for (int index = 0; index < content.size(); index++) {
            JsonNode part = content.get(index);
            String type = part.path("type").asText();
            if (!(type.equals("text") || type.equals("refusal")) || !part.path(type).isTextual()) {
                throw UntranslatableRequestException.field(at + "[" + index + "] must be a text part here.",
                        at + "[" + index + "]");
            }
            text.append(part.get(type).asText());
        }
        return text.toString();
    }
}
