package nexus.proxy.responses;

import static nexus.proxy.responses.ResponsesRequest.present;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.shared.db.ProviderKind;
import nexus.shared.error.ApiError;

/**
 * Translates a Responses API request into a chat completion request
 * (https://platform.openai.com/docs/api-reference/chat/create): {@code instructions} and the items (those of the
 * responses it continues first) become the messages; function tools, {@code tool_choice}, {@code text.format},
 * {@code max_output_tokens}, sampling, {@code reasoning.effort} (for kind openai) and {@code user} their chat
 * counterparts. What only steers or stays in Nexus ({@code metadata}, {@code store}, {@code truncation}) is not sent;
 * built-in tools and {@code include} values that need state Nexus does not have are a 400 naming them. Stateless.
 */
final class ResponsesToChat {

    /** The tool_choice strings both APIs share. */
    private static final Set<String> FUNCTION_CHOICES = Set.of("auto", "none", "required");

    private ResponsesToChat() {}

    /**
     * @param history the items of the responses this one continues, or of its conversation, oldest first; empty when
     *                it has neither
     * @param kind    the kind of the provider the chat request goes to
     */
    static ObjectNode translate(ResponsesRequest request, ArrayNode history, ProviderKind kind, ObjectMapper mapper) {
        ObjectNode body = request.body();
        checkInclude(body.get("include"));
        ObjectNode chat = mapper.createObjectNode();
        chat.put("model", request.model());
        ArrayNode messages = chat.putArray("messages");
        if (present(body, "instructions")) {
            if (!body.get("instructions").isTextual()) {
                throw ApiError.invalidRequest("'instructions' must be a string.", "instructions");
            }
            messages.addObject().put("role", "system").put("content", body.get("instructions").asText());
        }
        ItemsToChat.translate(history, request.conversationId() != null ? "conversation" : "previous_response_id",
                messages);
        ItemsToChat.translate(request.inputItems(), "input", messages);
        if (messages.isEmpty()) {
            throw ApiError.invalidRequest("'input' must contain at least one item.", "input");
        }
        boolean hasTools = tools(body.get("tools"), chat);
        if (hasTools) {
            toolChoice(body.get("tool_choice"), chat);
            copy(body, "parallel_tool_calls", chat, "parallel_tool_calls");
        }
        format(body.path("text").get("format"), kind, chat);
        copy(body, "max_output_tokens", chat, "max_tokens");
        copy(body, "temperature", chat, "temperature");
        copy(body, "top_p", chat, "top_p");
        copy(body, "user", chat, "user");
        if (kind == ProviderKind.OPENAI) {
            copy(body.path("reasoning"), "effort", chat, "reasoning_effort");
        }
        if (request.stream()) {
            chat.put("stream", true);
            chat.putObject("stream_options").put("include_usage", true);  // its details name reasoning tokens
        }
        return chat;
    }

    private static void checkInclude(JsonNode include) {
        if (include == null || include.isNull()) {
            return;
        }
        if (!include.isArray()) {
            throw ApiError.invalidRequest("'include' must be an array of strings.", "include");
        }
        for (JsonNode value : include) {
            if (!ResponsesRequest.TRANSLATABLE_INCLUDES.contains(value.asText())) {
                throw ApiError.invalidRequest("'include' value '" + value.asText() + "' needs state this model's"
                        + " provider does not keep (Nexus translates the request to a chat completion).", "include");
            }
        }
    }

    /** Function tools as chat tools; true when there is at least one. */
    private static boolean tools(JsonNode tools, ObjectNode chat) {
        if (tools == null || tools.isNull() || tools.isEmpty()) {
            return false;
        }
        if (!tools.isArray()) {
            throw ApiError.invalidRequest("'tools' must be an array of tools.", "tools");
        }
        ArrayNode functions = chat.putArray("tools");
        for (int index = 0; index < tools.size(); index++) {
            JsonNode tool = tools.get(index);
            String type = tool.path("type").asText("");
            if (!type.equals("function")) {
                throw ApiError.invalidRequest("Tools of type '" + type + "' are run by OpenAI's own servers and cannot"
                        + " be used with this model; only function tools can.", "tools[" + index + "].type");
            }
            ObjectNode function = functions.addObject().put("type", "function").putObject("function");
            function.put("name", ItemsToChat.requireText(tool, "name", "tools[" + index + "]"));
            copy(tool, "description", function, "description");
            copy(tool, "parameters", function, "parameters");
            copy(tool, "strict", function, "strict");
        }
        return true;
    }

    private static void toolChoice(JsonNode choice, ObjectNode chat) {
        if (choice == null || choice.isNull()) {
            return;
        }
        if (choice.isTextual() && FUNCTION_CHOICES.contains(choice.asText())) {
            chat.put("tool_choice", choice.asText());
        } else if (choice.isObject() && "function".equals(choice.path("type").asText())) {
            chat.putObject("tool_choice").put("type", "function").putObject("function")
                    .put("name", ItemsToChat.requireText(choice, "name", "tool_choice"));
        } else {
            throw ApiError.invalidRequest("'tool_choice' must be 'auto', 'none', 'required' or a function"
                    + " ({\"type\":\"function\",\"name\":…}) for this model.", "tool_choice");
        }
    }

    /** {@code text.format} as {@code response_format}; plain text needs none. */
    private static void format(JsonNode format, ProviderKind kind, ObjectNode chat) {
        if (format == null || format.isNull() || "text".equals(format.path("type").asText())) {
            return;
        }
        String type = format.path("type").asText("");
        if (kind == ProviderKind.ANTHROPIC) {
            throw ApiError.invalidRequest("'text.format' of type '" + type + "' cannot be used with an Anthropic"
                    + " model; ask for the shape in the instructions or use a function tool.", "text.format");
        }
        switch (type) {
            case "json_object" -> chat.putObject("response_format").put("type", "json_object");
            case "json_schema" -> {
                ObjectNode schema = chat.putObject("response_format").put("type", "json_schema")
                        .putObject("json_schema");
                schema.put("name", ItemsToChat.requireText(format, "name", "text.format"));
                copy(format, "description", schema, "description");
                copy(format, "schema", schema, "schema");
                copy(format, "strict", schema, "strict");
            }
            default -> throw ApiError.invalidRequest("'text.format.type' must be one of: text, json_object,"
                    + " json_schema.", "text.format.type");
        }
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode value = from.get(field);
        if (value != null && !value.isNull()) {
            to.set(as, value);
        }
    }
}
