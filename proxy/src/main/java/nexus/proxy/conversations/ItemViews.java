package nexus.proxy.conversations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.shared.conversation.ConversationViews;
import nexus.shared.db.ConversationMessage;
import nexus.shared.db.MessagePage;

/**
 * A stored chat message seen through OpenAI's item shape: a tool message is a {@code function_call_output}, an
 * assistant message with tool calls a {@code function_call} (its first call), any other a {@code message} whose text
 * is {@code input_text} (or {@code output_text} from the assistant). Thread-safe.
 */
final class ItemViews {

    private final ObjectMapper mapper;

    ItemViews(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** {@code {"object":"list","data","first_id","last_id","has_more"}}. */
    ObjectNode list(MessagePage page) {
        ObjectNode view = mapper.createObjectNode().put("object", "list");
        ArrayNode data = view.putArray("data");
        page.data().forEach(message -> data.add(item(message)));
        return view.put("first_id", page.data().isEmpty() ? null : page.data().getFirst().id())
                .put("last_id", page.data().isEmpty() ? null : page.data().getLast().id())
                .put("has_more", page.hasMore());
    }

    ObjectNode item(ConversationMessage stored) {
        JsonNode message = ConversationViews.read(stored.message(), mapper);
        JsonNode toolCalls = message.path("tool_calls");
        if ("tool".equals(stored.role())) {
            return mapper.createObjectNode().put("type", "function_call_output").put("id", stored.id())
                    .put("call_id", message.path("tool_call_id").asText())
                    .put("output", text(message.get("content"))).put("status", "completed");
        }
        if ("assistant".equals(stored.role()) && toolCalls.isArray() && !toolCalls.isEmpty()) {
            JsonNode call = toolCalls.get(0);
            return mapper.createObjectNode().put("type", "function_call").put("id", stored.id())
                    .put("call_id", call.path("id").asText())
                    .put("name", call.path("function").path("name").asText())
                    .put("arguments", call.path("function").path("arguments").asText())
                    .put("status", "completed");
        }
        ObjectNode item = mapper.createObjectNode().put("type", "message").put("id", stored.id())
                .put("status", "completed").put("role", stored.role());
        item.set("content", parts(message.get("content"), "assistant".equals(stored.role())));
        return item;
    }

    private ArrayNode parts(JsonNode content, boolean output) {
        ArrayNode parts = mapper.createArrayNode();
        if (content == null || content.isNull()) {
            return parts;
        }
        if (content.isTextual()) {
            addText(parts, content.asText(), output);
            return parts;
        }
        for (JsonNode part : content) {
            switch (part.path("type").asText()) {
                case "text" -> addText(parts, part.path("text").asText(), output);
                case "image_url" -> parts.addObject().put("type", "input_image")
                        .put("image_url", part.path("image_url").path("url").asText())
                        .put("detail", part.path("image_url").path("detail").asText("auto"));
                default -> parts.add(part);
            }
        }
        return parts;
    }

    private static void addText(ArrayNode parts, String text, boolean output) {
        ObjectNode part = parts.addObject().put("type", output ? "output_text" : "input_text").put("text", text);
        if (output) {
            part.putArray("annotations");
        }
    }

    /** Tool output as one string: a string as it is, text parts joined. */
    private static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        content.forEach(part -> text.append(part.path("text").asText("")));
        return text.toString();
    }
}
