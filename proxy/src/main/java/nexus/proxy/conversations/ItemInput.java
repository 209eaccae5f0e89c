package nexus.proxy.conversations;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.chat.ConversationIds;
import nexus.shared.db.MessageDraft;
import nexus.shared.error.ApiError;

/**
 * Turns OpenAI conversation items ({@code message} with text or image parts, {@code function_call},
 * {@code function_call_output}) into chat messages to store; every problem is a 400 naming the item. Stateless.
 */
final class ItemInput {

    private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");

    private ItemInput() {}

    /** The {@code items} array of a create call; absent or null is none. */
    static List<MessageDraft> parseAll(JsonNode items, ObjectMapper mapper) {
        if (items == null || items.isNull()) {
            return List.of();
        }
        if (!items.isArray()) {
            throw ApiError.invalidRequest("'items' must be an array of items.", "items");
        }
        List<MessageDraft> drafts = new ArrayList<>();
        for (int index = 0; index < items.size(); index++) {
            drafts.add(parse(items.get(index), "items[" + index + "]", mapper));
        }
        return drafts;
    }

    static MessageDraft parse(JsonNode item, String param, ObjectMapper mapper) {
        if (!item.isObject()) {
            throw ApiError.invalidRequest(param + " must be an object.", param);
        }
        String type = item.path("type").asText("message");
        ObjectNode message = mapper.createObjectNode();
        switch (type) {
            case "message" -> {
                String role = required(item, "role", param);
                if (!ROLES.contains(role)) {
                    throw ApiError.invalidRequest(param + ".role must be one of user, assistant, system, developer.",
                            param + ".role");
                }
                message.put("role", role).set("content", content(item.get("content"), param, mapper));
            }
            case "function_call" -> {
                ObjectNode call = mapper.createObjectNode().put("id", required(item, "call_id", param))
                        .put("type", "function");
                call.putObject("function").put("name", required(item, "name", param))
                        .put("arguments", required(item, "arguments", param));
                message.put("role", "assistant").putNull("content");
                message.putArray("tool_calls").add(call);
            }
            case "function_call_output" -> message.put("role", "tool")
                    .put("tool_call_id", required(item, "call_id", param))
                    .set("content", content(item.get("output"), param, mapper));
            default -> throw ApiError.invalidRequest(param + ".type '" + type + "' is not stored by Nexus; send"
                    + " message, function_call or function_call_output items.", param + ".type");
        }
        return MessageDraft.stored(ConversationIds.createMessageId(), message.path("role").asText(),
                ConversationFields.write(message, mapper), null);
    }

    /** Item content as chat content: a string stays; text parts become {@code text}, images {@code image_url}. */
    private static JsonNode content(JsonNode content, String param, ObjectMapper mapper) {
        if (content != null && content.isTextual()) {
            return content;
        }
        if (content == null || !content.isArray()) {
            throw ApiError.invalidRequest(param + ".content must be a string or an array of content parts.",
                    param + ".content");
        }
        ArrayNode parts = mapper.createArrayNode();
        for (JsonNode part : content) {
            switch (part.path("type").asText()) {
                case "input_text", "output_text", "text" -> parts.addObject().put("type", "text")
                        .put("text", part.path("text").asText());
                case "input_image" -> {
                    ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url")
                            .put("url", part.path("image_url").asText());
                    if (part.path("detail").isTextual()) {
                        image.put("detail", part.path("detail").asText());
                    }
                }
                default -> throw ApiError.invalidRequest(param + ".content has a part of type '"
                        + part.path("type").asText() + "', which Nexus does not store.", param + ".content");
            }
        }
        return parts;
    }

    private static String required(JsonNode item, String field, String param) {
        JsonNode value = item.get(field);
        if (value == null || !value.isTextual()) {
            throw ApiError.invalidRequest(param + "." + field + " must be a string.", param + "." + field);
        }
        return value.asText();
    }
}
