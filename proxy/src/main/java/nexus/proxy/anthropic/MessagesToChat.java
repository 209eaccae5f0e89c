package nexus.proxy.anthropic;

import static nexus.proxy.anthropic.MessagesRequest.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.chat.MessageText;
import nexus.shared.error.ApiError;

/**
 * Translates an Anthropic Messages request into an OpenAI chat completion request
 * (https://platform.openai.com/docs/api-reference/chat/create). What has no OpenAI form is dropped when it only
 * steers ({@code top_k}, {@code thinking}, {@code cache_control}, a tool result's {@code is_error}, earlier thinking
 * blocks, a system message's {@code clear_at} and {@code output_config}) and refused with a 400 naming the field when dropping it would change what the model is asked (documents,
 * server tools, images inside a tool result). Stateless.
 */
final class MessagesToChat {

    private MessagesToChat() {}

    static ObjectNode translate(MessagesRequest request, ObjectMapper mapper) {
        ObjectNode anthropic = request.body();
        ObjectNode chat = mapper.createObjectNode();
        chat.put("model", request.model());
        ArrayNode messages = chat.putArray("messages");
        String system = MessageText.of(anthropic.get("system"));
        if (!system.isEmpty()) {
            messages.addObject().put("role", "system").put("content", system);
        }
        JsonNode turns = anthropic.get("messages");
        for (int index = 0; index < turns.size(); index++) {
            JsonNode turn = turns.get(index);
            String path = "messages." + index + ".content";
            switch (turn.get("role").asText()) {
                case "user" -> addUser(messages, turn.get("content"), path, mapper);
                case "system" -> messages.addObject().put("role", "system")
                        .put("content", MessageText.of(turn.get("content")));
                default -> addAssistant(messages, turn.get("content"), path, mapper);
            }
        }
        chat.set("max_tokens", anthropic.get("max_tokens"));
        copy(anthropic, "temperature", chat, "temperature");
        copy(anthropic, "top_p", chat, "top_p");
        if (!request.stopSequences().isEmpty()) {
            chat.set("stop", anthropic.get("stop_sequences"));
        }
        copy(anthropic.path("metadata"), "user_id", chat, "user");
        addTools(chat, anthropic);
        if (request.stream()) {
            chat.put("stream", true);
        }
        return chat;
    }

    /**
     * Tool results become {@code tool} messages, first, as they must follow the assistant's calls; the other blocks one
     * user message.
     */
    private static void addUser(ArrayNode messages, JsonNode content, String path, ObjectMapper mapper) {
        if (content.isTextual()) {
            messages.addObject().put("role", "user").put("content", content.asText());
            return;
        }
        ArrayNode parts = mapper.createArrayNode();
        for (int index = 0; index < content.size(); index++) {
            JsonNode block = content.get(index);
            String blockPath = path + "." + index;
            switch (block.get("type").asText()) {
                case "text" -> parts.addObject().put("type", "text").put("text", text(block, blockPath));
                case "image" -> parts.addObject().put("type", "image_url").putObject("image_url")
                        .put("url", imageUrl(block.get("source"), blockPath + ".source"));
                case "tool_result" -> messages.addObject()
                        .put("role", "tool")
                        .put("tool_call_id", requireText(block, "tool_use_id", blockPath))
                        .put("content", toolResultText(block.get("content"), blockPath + ".content"));
                default -> throw unsupported(block, blockPath);
            }
        }
        if (!parts.isEmpty()) {
            messages.addObject().put("role", "user").set("content", parts);
        }
    }

    /** Text blocks become the content, tool_use blocks {@code tool_calls}; thinking from an earlier turn is dropped. */
    private static void addAssistant(ArrayNode messages, JsonNode content, String path, ObjectMapper mapper) {
        ObjectNode message = messages.addObject().put("role", "assistant");
        if (content.isTextual()) {
            message.put("content", content.asText());
            return;
        }
        StringBuilder text = new StringBuilder();
        ArrayNode calls = mapper.createArrayNode();
        for (int index = 0; index < content.size(); index++) {
            JsonNode block = content.get(index);
            String blockPath = path + "." + index;
            switch (block.get("type").asText()) {
                case "text" -> text.append(text.isEmpty() ? "" : "\n").append(text(block, blockPath));
                case "tool_use" -> {
                    ObjectNode call = calls.addObject();
                    call.put("id", requireText(block, "id", blockPath));
                    call.put("type", "function");
                    call.putObject("function")
                            .put("name", requireText(block, "name", blockPath))
                            .put("arguments", block.path("input").isObject() ? block.get("input").toString() : "{}");
                }
                case "thinking", "redacted_thinking" -> { }
                default -> throw unsupported(block, blockPath);
            }
        }
        if (calls.isEmpty()) {
            message.put("content", text.toString());
        } else {
            message.put("content", text.isEmpty() ? null : text.toString());
            message.set("tool_calls", calls);
        }
    }

    /** A base64 source becomes a data URL; a url source stays the URL. */
    private static String imageUrl(JsonNode source, String path) {
        String type = source == null ? "" : source.path("type").asText("");
        return switch (type) {
            case "base64" -> "data:" + requireText(source, "media_type", path) + ";base64,"
                    + requireText(source, "data", path);
            case "url" -> requireText(source, "url", path);
            default -> throw invalid(path, "an image source must be of type 'base64' or 'url' for this provider.");
        };
    }

    /** A tool result's content as the text a {@code tool} message carries; OpenAI's tool messages hold no images. */
    private static String toolResultText(JsonNode content, String path) {
        if (content == null || content.isNull() || content.isTextual()) {
            return content == null || content.isNull() ? "" : content.asText();
        }
        if (!content.isArray()) {
            throw invalid(path, "must be a string or an array of text blocks.");
        }
        for (int index = 0; index < content.size(); index++) {
            JsonNode block = content.get(index);
            if (!"text".equals(block.path("type").asText(null))) {
                throw invalid(path + "." + index, "only text blocks can be sent in a tool result to this provider"
                        + " (an OpenAI-compatible one).");
            }
            text(block, path + "." + index);
        }
        return MessageText.of(content);
    }

    private static void addTools(ObjectNode chat, ObjectNode anthropic) {
        JsonNode tools = anthropic.get("tools");
        boolean hasTools = tools != null && !tools.isNull() && !tools.isEmpty();
        if (hasTools) {
            ArrayNode functions = chat.putArray("tools");
            for (int index = 0; index < tools.size(); index++) {
                JsonNode tool = tools.get(index);
                String type = tool.path("type").asText("custom");
                if (!type.equals("custom")) {
                    throw invalid("tools." + index + ".type", "the server tool '" + type
                            + "' cannot be used with this provider (an OpenAI-compatible one).");
                }
                if (!tool.path("input_schema").isObject()) {
                    throw invalid("tools." + index + ".input_schema", "Field required.");
                }
                ObjectNode function = functions.addObject().put("type", "function").putObject("function");
                function.set("name", tool.get("name"));
                copy(tool, "description", function, "description");
                function.set("parameters", tool.get("input_schema"));
            }
        }
        JsonNode choice = anthropic.get("tool_choice");
        if (choice == null || choice.isNull() || !hasTools) {
            return;  // OpenAI refuses a tool_choice without tools, and without tools no tool can be called anyway
        }
        switch (choice.get("type").asText()) {
            case "auto" -> chat.put("tool_choice", "auto");
            case "any" -> chat.put("tool_choice", "required");
            case "none" -> chat.put("tool_choice", "none");
            default -> chat.putObject("tool_choice").put("type", "function").putObject("function")
                    .set("name", choice.get("name"));
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
            chat.put("parallel_tool_calls", false);
        }
    }

    private static String text(JsonNode block, String path) {
        return requireText(block, "text", path);
    }

    private static String requireText(JsonNode object, String field, String path) {
        JsonNode value = object.get(field);
        if (value == null || !value.isTextual()) {
            throw invalid(path + "." + field, "must be a string.");
        }
        return value.asText();
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode value = from.get(field);
        if (value != null && !value.isNull()) {
            to.set(as, value);
        }
    }

    private static ApiError unsupported(JsonNode block, String path) {
        return invalid(path + ".type", "content blocks of type '" + block.get("type").asText()
                + "' cannot be sent to this provider (an OpenAI-compatible one).");
    }
}
