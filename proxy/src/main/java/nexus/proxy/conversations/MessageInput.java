package nexus.proxy.conversations;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.chat.ConversationIds;
import nexus.shared.db.MessageDraft;
import nexus.shared.error.ApiError;

/**
 * Turns the platform's message body ({@code role}, {@code content} as a string or OpenAI content parts, {@code name},
 * {@code tool_call_id}, {@code tool_calls}, {@code metadata}) into a message to store; every problem is a 400 naming
 * the field. Stateless.
 */
final class MessageInput {

    private static final Set<String> ROLES = Set.of("user", "assistant", "system", "tool");

    private MessageInput() {}

    static MessageDraft parse(ObjectNode body, ObjectMapper mapper) {
        String role = text(body.get("role"), "role", true);
        if (!ROLES.contains(role)) {
            throw ApiError.invalidRequest("'role' must be one of user, assistant, system, tool.", "role");
        }
        ObjectNode message = mapper.createObjectNode().put("role", role);
        JsonNode toolCalls = body.get("tool_calls");
        boolean hasToolCalls = toolCalls != null && !toolCalls.isNull();
        if (hasToolCalls && (!"assistant".equals(role) || !toolCalls.isArray())) {
            throw ApiError.invalidRequest("'tool_calls' must be an array, on an assistant message.", "tool_calls");
        }
        message.set("content", content(body.get("content"), hasToolCalls));
        String name = text(body.get("name"), "name", false);
        if (name != null) {
            message.put("name", name);
        }
        String toolCallId = text(body.get("tool_call_id"), "tool_call_id", "tool".equals(role));
        if (toolCallId != null) {
            message.put("tool_call_id", toolCallId);
        }
        if (hasToolCalls) {
            message.set("tool_calls", toolCalls);
        }
        return MessageDraft.stored(ConversationIds.createMessageId(), role, ConversationFields.write(message, mapper),
                ConversationFields.metadataOrNull(body.get("metadata"), "metadata", mapper));
    }

    /** A string, or an array of content parts (objects with a string {@code type}); null only beside tool calls. */
    private static JsonNode content(JsonNode content, boolean hasToolCalls) {
        if ((content == null || content.isNull()) && hasToolCalls) {
            return NullNode.getInstance();
        }
        if (content == null || content.isNull()) {
            throw ApiError.invalidRequest("Missing required parameter: 'content'.", "content");
        }
        if (content.isTextual()) {
            return content;
        }
        if (!content.isArray()) {
            throw ApiError.invalidRequest("'content' must be a string or an array of content parts.", "content");
        }
        for (int index = 0; index < content.size(); index++) {
            if (!content.get(index).path("type").isTextual()) {
                throw ApiError.invalidRequest("content[" + index + "] must be an object with a string 'type'.",
                        "content[" + index + "]");
            }
        }
        return content;
    }

    private static String text(JsonNode value, String field, boolean required) {
        if (value == null || value.isNull()) {
            if (required) {
                throw ApiError.invalidRequest("Missing required parameter: '" + field + "'.", field);
            }
            return null;
        }
        if (!value.isTextual()) {
            throw ApiError.invalidRequest("'" + field + "' must be a string.", field);
        }
        return value.asText();
    }
}
