package nexus.proxy.upstream.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.upstream.UntranslatableRequestException;

/**
 * OpenAI function tools as Anthropic tools ({@code name}, {@code description}, {@code input_schema}), and
 * {@code tool_choice} with {@code parallel_tool_calls} as Anthropic's {@code tool_choice}. Stateless.
 */
final class AnthropicTools {

    private AnthropicTools() {}

    /** Sets {@code tools} and {@code tool_choice} on the Anthropic request when the OpenAI body has them. */
    static void translate(ObjectNode body, ObjectNode request, ObjectMapper mapper) {
        JsonNode tools = present(body, "tools");
        JsonNode choice = present(body, "tool_choice");
        JsonNode parallel = present(body, "parallel_tool_calls");
        if (tools != null) {
            if (!tools.isArray()) {
                throw UntranslatableRequestException.field("'tools' must be an array.", "tools");
            }
            if (!tools.isEmpty()) {
                ArrayNode translated = request.putArray("tools");
                for (int index = 0; index < tools.size(); index++) {
                    translated.add(tool(tools.get(index), "tools[" + index + "]", mapper));
                }
            }
        }
        if (parallel != null && !parallel.isBoolean()) {
            throw UntranslatableRequestException.field("'parallel_tool_calls' must be a boolean.",
                    "parallel_tool_calls");
        }
        boolean oneCallAtMost = parallel != null && !parallel.asBoolean();
        if (choice == null && !(oneCallAtMost && request.has("tools"))) {
            return;
        }
        ObjectNode translated = choice == null ? mapper.createObjectNode().put("type", "auto") : choice(choice, mapper);
        if (oneCallAtMost && !translated.path("type").asText().equals("none")) {
            translated.put("disable_parallel_tool_use", true);
        }
        request.set("tool_choice", translated);
    }

    private static ObjectNode tool(JsonNode tool, String at, ObjectMapper mapper) {
        if (!"function".equals(tool.path("type").asText())) {
            throw UntranslatableRequestException.field(at + ".type must be \"function\" for an Anthropic provider.",
                    at + ".type");
        }
        JsonNode function = tool.path("function");
        if (!function.path("name").isTextual()) {
            throw UntranslatableRequestException.field(at + ".function.name must be a string.", at + ".function.name");
        }
        if (function.path("strict").asBoolean(false)) {
            throw UntranslatableRequestException.field(at + ".function.strict cannot be translated for an Anthropic "
                    + "provider; remove it.", at + ".function.strict");
        }
        ObjectNode translated = mapper.createObjectNode();
        translated.set("name", function.get("name"));
        if (function.path("description").isTextual()) {
            translated.set("description", function.get("description"));
        }
        JsonNode parameters = function.path("parameters");
        if (parameters.isObject()) {
            translated.set("input_schema", parameters);
        } else if (parameters.isMissingNode() || parameters.isNull()) {
            translated.putObject("input_schema").put("type", "object").putObject("properties");
        } else {
            throw UntranslatableRequestException.field(at + ".function.parameters must be a JSON Schema object.",
                    at + ".function.parameters");
        }
        return translated;
    }

    /** auto, none, required (Anthropic's any) or one named function (Anthropic's tool). */
    private static ObjectNode choice(JsonNode choice, ObjectMapper mapper) {
        ObjectNode translated = mapper.createObjectNode();
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "auto" -> translated.put("type", "auto");
                case "none" -> translated.put("type", "none");
                case "required" -> translated.put("type", "any");
                default -> throw UntranslatableRequestException.field("'tool_choice' must be auto, none, required "
                        + "or a named function.", "tool_choice");
            }
            return translated;
        }
        JsonNode name = choice.path("function").path("name");
        if (!"function".equals(choice.path("type").asText()) || !name.isTextual()) {
            throw UntranslatableRequestException.field("'tool_choice' must be auto, none, required or "
                    + "{\"type\":\"function\",\"function\":{\"name\":…}}.", "tool_choice");
        }
        return translated.put("type", "tool").put("name", name.asText());
    }

    private static JsonNode present(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : value;
    }
}
