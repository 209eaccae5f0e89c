package nexus.proxy.anthropic;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.chat.JsonBody;
import nexus.shared.error.ApiError;

/**
 * A client's Anthropic Messages request (https://docs.claude.com/en/api/messages): its bytes and the JSON object kept
 * whole, and the fields Nexus reads. Parsing checks the envelope every provider kind needs (required fields,
 * types, roles); content blocks are left to whoever reads them. A {@code system} message inside {@code messages}
 * (Anthropic's mid-conversation system message) holds a string or text blocks. Immutable after parsing.
 */
public final class MessagesRequest {

    private static final Set<String> ROLES = Set.of("user", "assistant", "system");
    private static final Set<String> TOOL_CHOICES = Set.of("auto", "any", "tool", "none");

    private final byte[] rawBody;
    private final ObjectNode body;
    private final String model;
    private final boolean stream;
    private final List<String> stopSequences;

    private MessagesRequest(byte[] rawBody, ObjectNode body, String model, boolean stream,
                            List<String> stopSequences) {
        this.rawBody = rawBody;
        this.body = body;
        this.model = model;
        this.stream = stream;
        this.stopSequences = stopSequences;
    }

    /** Parses and validates a request body; every problem is a 400 whose message starts with the field's path. */
    public static MessagesRequest parse(byte[] rawBody, ObjectMapper mapper) {
        return parse(rawBody, mapper, true);
    }

    /** The same for a token count ({@code /v1/messages/count_tokens}), which has no {@code max_tokens}. */
    static MessagesRequest parseForCounting(byte[] rawBody, ObjectMapper mapper) {
        return parse(rawBody, mapper, false);
    }

    private static MessagesRequest parse(byte[] rawBody, ObjectMapper mapper, boolean maxTokensRequired) {
        ObjectNode body = JsonBody.parseObject(rawBody, mapper);
        JsonNode model = body.get("model");
        if (absent(model)) {
            throw invalid("model", "Field required.");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw invalid("model", "must be a non-empty string.");
        }
        JsonNode maxTokens = body.get("max_tokens");
        if (absent(maxTokens) && maxTokensRequired) {
            throw invalid("max_tokens", "Field required.");
        }
        if (!absent(maxTokens)
                && (!maxTokens.isIntegralNumber() || !maxTokens.canConvertToInt() || maxTokens.intValue() < 1)) {
            throw invalid("max_tokens", "must be an integer of at least 1.");
        }
        requireMessages(body.get("messages"));
        requireSystem(body.get("system"));
        requireType(body, "stream", JsonNode::isBoolean, "a boolean");
        requireType(body, "temperature", JsonNode::isNumber, "a number");
        requireType(body, "top_p", JsonNode::isNumber, "a number");
        requireType(body, "top_k", JsonNode::isIntegralNumber, "an integer");
        requireType(body, "metadata", JsonNode::isObject, "an object");
        if (!absent(body.get("metadata"))) {
            requireType((ObjectNode) body.get("metadata"), "user_id", JsonNode::isTextual, "a string", "metadata.");
        }
        List<String> stopSequences = stopSequences(body.get("stop_sequences"));
        requireTools(body.get("tools"));
        requireToolChoice(body.get("tool_choice"));
        return new MessagesRequest(rawBody, body, model.asText(), body.path("stream").asBoolean(false),
                List.copyOf(stopSequences));
    }

    private static void requireMessages(JsonNode messages) {
        if (absent(messages)) {
            throw invalid("messages", "Field required.");
        }
        if (!messages.isArray()) {
            throw invalid("messages", "must be an array of messages.");
        }
        if (messages.isEmpty()) {
            throw invalid("messages", "must contain at least one message.");
        }
        for (int index = 0; index < messages.size(); index++) {
            String path = "messages." + index;
            JsonNode message = messages.get(index);
            if (!message.isObject()) {
                throw invalid(path, "must be an object with 'role' and 'content'.");
            }
            String role = message.path("role").asText(null);
            if (!ROLES.contains(role)) {
                throw invalid(path + ".role", "must be 'user', 'assistant' or 'system'.");
            }
            if (role.equals("system")) {
                requireSystemContent(message.get("content"), path + ".content");
            } else {
                requireContent(message.get("content"), path + ".content");
            }
        }
    }

    /** A string, or an array of blocks that each name their type. */
    private static void requireContent(JsonNode content, String path) {
        if (absent(content)) {
            throw invalid(path, "Field required.");
        }
        if (content.isTextual()) {
            return;
        }
        if (!content.isArray()) {
            throw invalid(path, "must be a string or an array of content blocks.");
        }
        for (int index = 0; index < content.size(); index++) {
            if (!content.get(index).path("type").isTextual()) {
                throw invalid(path + "." + index, "must be an object with a string 'type'.");
            }
        }
    }

    private static void requireSystem(JsonNode system) {
        if (!absent(system)) {
            requireSystemContent(system, "system");
        }
    }

    /** A string, or an array of text blocks: the top-level {@code system} and a system message's content. */
    private static void requireSystemContent(JsonNode content, String path) {
        if (absent(content)) {
            throw invalid(path, "Field required.");
        }
        if (content.isTextual()) {
            return;
        }
        if (!content.isArray()) {
            throw invalid(path, "must be a string or an array of text blocks.");
        }
        for (int index = 0; index < content.size(); index++) {
            JsonNode block = content.get(index);
            if (!"text".equals(block.path("type").asText(null)) || !block.path("text").isTextual()) {
                throw invalid(path + "." + index, "must be a text block: {\"type\":\"text\",\"text\":…}.");
            }
        }
    }

    private static List<String> stopSequences(JsonNode sequences) {
        List<String> list = new ArrayList<>();
        if (absent(sequences)) {
            return list;
        }
        if (!sequences.isArray()) {
            throw invalid("stop_sequences", "must be an array of strings.");
        }
        for (int index = 0; index < sequences.size(); index++) {
            if (!sequences.get(index).isTextual()) {
                throw invalid("stop_sequences." + index, "must be a string.");
            }
            list.add(sequences.get(index).asText());
        }
        return list;
    }

    private static void requireTools(JsonNode tools) {
        if (absent(tools)) {
            return;
        }
        if (!tools.isArray()) {
            throw invalid("tools", "must be an array of tools.");
        }
        for (int index = 0; index < tools.size(); index++) {
            JsonNode tool = tools.get(index);
            if (!tool.isObject() || !tool.path("name").isTextual()) {
                throw invalid("tools." + index, "must be an object with a string 'name'.");
            }
        }
    }

    private static void requireToolChoice(JsonNode choice) {
        if (absent(choice)) {
            return;
        }
        if (!choice.isObject() || !TOOL_CHOICES.contains(choice.path("type").asText(null))) {
            throw invalid("tool_choice", "must be an object whose 'type' is 'auto', 'any', 'tool' or 'none'.");
        }
        if (choice.get("type").asText().equals("tool") && !choice.path("name").isTextual()) {
            throw invalid("tool_choice.name", "Field required when 'type' is 'tool'.");
        }
    }

    private static void requireType(ObjectNode object, String field, Predicate<JsonNode> isValid,
                                    String expected) {
        requireType(object, field, isValid, expected, "");
    }

    private static void requireType(ObjectNode object, String field, Predicate<JsonNode> isValid,
                                    String expected, String prefix) {
        JsonNode value = object.get(field);
        if (!absent(value) && !isValid.test(value)) {
            throw invalid(prefix + field, "must be " + expected + ".");
        }
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }

    /** A 400 in Anthropic's manner: the message begins with the field's path ({@code messages.0.role: …}). */
    static ApiError invalid(String path, String problem) {
        return ApiError.invalidRequest(path + ": " + problem, path);
    }

    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    /** The request's {@code stop_sequences}; empty when it has none. */
    public List<String> stopSequences() {
        return stopSequences;
    }

    /** The request as the client sent it; read-only by convention. */
    public ObjectNode body() {
        return body;
    }

    /** The body for an upstream that speaks this format: the client's own bytes, or a copy naming another model. */
    byte[] upstreamBody(String upstreamModel, ObjectMapper mapper) {
        return JsonBody.forUpstream(rawBody, body, model, upstreamModel, false, false, mapper);
    }
}
