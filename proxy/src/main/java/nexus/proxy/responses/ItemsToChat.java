package nexus.proxy.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.shared.error.ApiError;

/**
 * Translates Responses API items into chat messages: a {@code message} by its role ({@code developer} becomes
 * {@code system}, which every chat server takes), {@code function_call} items into the {@code tool_calls} of the
 * assistant message they follow, {@code function_call_output} into a {@code tool} message. Earlier reasoning is
 * dropped, as chat servers take none back; what has no chat form is a 400 naming it. Stateless.
 */
final class ItemsToChat {

    private ItemsToChat() {}

    /**
     * Appends the messages {@code items} make to {@code messages}.
     *
     * @param path how errors name the list: {@code input}, or {@code previous_response_id} for a stored one
     */
    static void translate(ArrayNode items, String path, ArrayNode messages) {
        for (int index = 0; index < items.size(); index++) {
            JsonNode item = items.get(index);
            String itemPath = path + "[" + index + "]";
            String type = item.path("type").asText("message");
            switch (type) {
                case "message" -> message(item, itemPath, messages);
                case "function_call" -> functionCall(item, itemPath, messages);
                case "function_call_output" -> messages.addObject().put("role", "tool")
                        .put("tool_call_id", requireText(item, "call_id", itemPath))
                        .put("content", outputText(item.get("output"), itemPath + ".output"));
                case "reasoning" -> { }
                default -> throw ApiError.invalidRequest("Items of type '" + type + "' cannot be sent to this"
                        + " model: Nexus translates it to a chat completion, which has no such item.",
                        itemPath + ".type");
            }
        }
    }

    private static void message(JsonNode item, String path, ArrayNode messages) {
        String role = item.path("role").asText("");
        JsonNode content = item.get("content");
        if (content == null || !(content.isTextual() || content.isArray())) {
            throw ApiError.invalidRequest("'" + path + ".content' must be a string or an array of content parts.",
                    path + ".content");
        }
        switch (role) {
            case "user" -> messages.addObject().put("role", "user").set("content", userContent(content, path));
            case "system", "developer" -> messages.addObject().put("role", "system").put("content",
                    text(content, path));
            case "assistant" -> messages.addObject().put("role", "assistant").put("content", text(content, path));
            default -> throw ApiError.invalidRequest("'" + path + ".role' must be one of: user, assistant, system,"
                    + " developer.", path + ".role");
        }
    }

    /** A call joins the assistant message just before it, or starts one without text. */
    private static void functionCall(JsonNode item, String path, ArrayNode messages) {
        JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        ObjectNode assistant = last != null && "assistant".equals(last.path("role").asText())
                ? (ObjectNode) last : messages.addObject().put("role", "assistant").putNull("content");
        if (assistant.path("content").isTextual() && assistant.get("content").asText().isEmpty()) {
            assistant.putNull("content");
        }
        ArrayNode calls = assistant.has("tool_calls") ? (ArrayNode) assistant.get("tool_calls")
                : assistant.putArray("tool_calls");
        ObjectNode call = calls.addObject().put("id", requireText(item, "call_id", path)).put("type", "function");
        call.putObject("function").put("name", requireText(item, "name", path))
                .put("arguments", item.path("arguments").asText(""));
    }

    /**
     * A user message's content: text alone as a string (which every chat server takes), else its parts, text as text
     * and images as image URLs.
     */
    private static JsonNode userContent(JsonNode content, String path) {
        if (content.isTextual()) {
            return content;
        }
        boolean textOnly = true;
        for (JsonNode part : content) {
            textOnly &= !"input_image".equals(part.path("type").asText());
        }
        if (textOnly) {
            return ((ArrayNode) content).textNode(text(content, path));
        }
        ArrayNode parts = ((ArrayNode) content).arrayNode();
        for (int index = 0; index < content.size(); index++) {
            JsonNode part = content.get(index);
            String partPath = path + ".content[" + index + "]";
            switch (part.path("type").asText("")) {
                case "input_text", "output_text" -> parts.addObject().put("type", "text")
                        .put("text", requireText(part, "text", partPath));
                case "input_image" -> {
                    if (!part.path("image_url").isTextual()) {
                        throw ApiError.invalidRequest("Images must be sent as 'image_url' (a URL or a data URL):"
                                + " Nexus keeps no files to resolve a 'file_id'.", partPath + ".image_url");
                    }
                    ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url")
                            .put("url", part.get("image_url").asText());
                    if (part.path("detail").isTextual()) {
                        image.put("detail", part.get("detail").asText());
                    }
                }
                default -> throw unsupportedPart(part, partPath);
            }
        }
        return parts;
    }

    /** The text of a message's content; parts other than text have no place in a system or assistant message. */
    private static String text(JsonNode content, String path) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (int index = 0; index < content.size(); index++) {
            JsonNode part = content.get(index);
            String partPath = path + ".content[" + index + "]";
            String field = switch (part.path("type").asText("")) {
                case "input_text", "output_text" -> "text";
                case "refusal" -> "refusal";
                default -> throw unsupportedPart(part, partPath);
            };
            text.append(text.isEmpty() ? "" : "\n").append(requireText(part, field, partPath));
        }
        return text.toString();
    }

    /** A tool's output as the text a {@code tool} message carries. */
    private static String outputText(JsonNode output, String path) {
        if (output == null || output.isNull()) {
            return "";
        }
        if (output.isTextual()) {
            return output.asText();
        }
        if (!output.isArray()) {
            throw ApiError.invalidRequest("'" + path + "' must be a string or an array of text parts.", path);
        }
        StringBuilder text = new StringBuilder();
        for (int index = 0; index < output.size(); index++) {
            JsonNode part = output.get(index);
            if (!"input_text".equals(part.path("type").asText())) {
                throw ApiError.invalidRequest("Only text can be sent as a tool's output to this model (a chat"
                        + " completion's tool message holds text).", path + "[" + index + "]");
            }
            text.append(text.isEmpty() ? "" : "\n").append(requireText(part, "text", path + "[" + index + "]"));
        }
        return text.toString();
    }

    private static ApiError unsupportedPart(JsonNode part, String path) {
        return ApiError.invalidRequest("Content parts of type '" + part.path("type").asText("") + "' cannot be sent"
                + " to this model through Nexus.", path + ".type");
    }

    static String requireText(JsonNode object, String field, String path) {
        JsonNode value = object.get(field);
        if (value == null || !value.isTextual()) {
            throw ApiError.invalidRequest("'" + path + "." + field + "' must be a string.", path + "." + field);
        }
        return value.asText();
    }
}
