package nexus.proxy.chat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.shared.error.ApiError;

/**
 * A client's chat completion request: the JSON object kept whole (so every field reaches the upstream untouched) and
 * the few fields Nexus reads. Immutable after parsing; the body is never modified in place.
 */
public final class ChatRequest {

    private final byte[] rawBody;
    private final ObjectNode body;
    private final String model;
    private final boolean stream;
    private final boolean clientWantsUsage;

    private ChatRequest(byte[] rawBody, ObjectNode body, String model, boolean stream, boolean clientWantsUsage) {
        this.rawBody = rawBody;
        this.body = body;
        this.model = model;
        this.stream = stream;
        this.clientWantsUsage = clientWantsUsage;
    }

    /** Parses and validates a request body; every problem is a 400 naming the field. */
    public static ChatRequest parse(byte[] rawBody, ObjectMapper mapper) {
        if (rawBody == null || rawBody.length == 0) {
            throw ApiError.invalidRequest("The request body is empty; send a JSON chat completion request.", null);
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(rawBody);
        } catch (JacksonException e) {
            throw ApiError.invalidRequest("The request body is not valid JSON.", null);
        } catch (IOException e) {
            throw ApiError.invalidRequest("The request body could not be read.", null);
        }
        if (tree == null || !tree.isObject()) {
            throw ApiError.invalidRequest("The request body must be a JSON object.", null);
        }
        return fromObject(rawBody, (ObjectNode) tree);
    }

    /** Validates an already parsed request object (a WebSocket frame). */
    public static ChatRequest fromObject(byte[] rawBody, ObjectNode body) {
        String model = requireModel(body);
        requireMessages(body);
        boolean stream = optionalBoolean(body, "stream");
        JsonNode options = body.get("stream_options");
        boolean wantsUsage = false;
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw ApiError.invalidRequest("'stream_options' must be an object.", "stream_options");
            }
            JsonNode includeUsage = options.get("include_usage");
            if (includeUsage != null && !includeUsage.isNull() && !includeUsage.isBoolean()) {
                throw ApiError.invalidRequest("'stream_options.include_usage' must be a boolean.",
                        "stream_options.include_usage");
            }
            wantsUsage = includeUsage != null && includeUsage.asBoolean();
        }
        return new ChatRequest(rawBody, body, model, stream, wantsUsage);
    }

    private static String requireModel(ObjectNode body) {
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            throw ApiError.invalidRequest("You must provide a model parameter.", "model");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw ApiError.invalidRequest("'model' must be a non-empty string.", "model");
        }
        return model.asText();
    }

    private static void requireMessages(ObjectNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw ApiError.invalidRequest("Missing required parameter: 'messages'.", "messages");
        }
        if (!messages.isArray()) {
            throw ApiError.invalidRequest("'messages' must be an array of message objects.", "messages");
        }
        if (messages.isEmpty()) {
            throw ApiError.invalidRequest("'messages' must contain at least one message.", "messages");
        }
        for (int index = 0; index < messages.size(); index++) {
            JsonNode message = messages.get(index);
            if (!message.isObject() || !message.path("role").isTextual()) {
                throw ApiError.invalidRequest("messages[" + index + "] must be an object with a string 'role'.",
                        "messages[" + index + "]");
            }
        }
    }

    private static boolean optionalBoolean(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw ApiError.invalidRequest("'" + field + "' must be a boolean.", field);
        }
        return value.booleanValue();
    }

    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    /** True when the client itself asked for the usage chunk of a stream. */
    public boolean clientWantsUsage() {
        return clientWantsUsage;
    }

    public ArrayNode messages() {
        return (ArrayNode) body.get("messages");
    }

    /** The request as the client sent it; read-only by convention. */
    public ObjectNode body() {
        return body;
    }

    /**
     * The body to send upstream for this model: the client's own bytes when nothing must change, else a copy with
     * {@code model} set and, for streams, {@code stream_options.include_usage} asked for.
     */
    public byte[] upstreamBody(String upstreamModel, boolean forceStream, ObjectMapper mapper) {
        boolean askUsage = (stream || forceStream) && !clientWantsUsage;
        boolean untouched = !forceStream && upstreamModel.equals(model) && rawBody != null;
        if (untouched && !askUsage) {
            return rawBody;
        }
        if (untouched && !body.has("stream_options")) {
            return withUsageRequested(rawBody);
        }
        ObjectNode copy = body.deepCopy();
        copy.put("model", upstreamModel);
        if (forceStream) {
            copy.put("stream", true);
        }
        if (askUsage) {
            JsonNode options = copy.get("stream_options");
            ObjectNode streamOptions = options instanceof ObjectNode object ? object : copy.putObject("stream_options");
            streamOptions.put("include_usage", true);
        }
        try {
            return mapper.writeValueAsBytes(copy);
        } catch (IOException e) {
            throw new IllegalStateException("A parsed JSON tree could not be written back", e);
        }
    }

    private static final byte[] ASK_USAGE = "\"stream_options\":{\"include_usage\":true},".getBytes(StandardCharsets.US_ASCII);

    /**
     * The client's bytes with {@code "stream_options":{"include_usage":true},} spliced in after the opening brace: no
     * re-serialisation of a body that may carry megabytes of images. Only for a validated object without
     * {@code stream_options}, which always has members (model, messages), so the comma is right.
     */
    private static byte[] withUsageRequested(byte[] raw) {
        int brace = 0;
        while (raw[brace] != '{') {
            brace++;  // a parsed object: only whitespace (or a byte order mark) can come before its brace
        }
        byte[] spliced = new byte[raw.length + ASK_USAGE.length];
        System.arraycopy(raw, 0, spliced, 0, brace + 1);
        System.arraycopy(ASK_USAGE, 0, spliced, brace + 1, ASK_USAGE.length);
        System.arraycopy(raw, brace + 1, spliced, brace + 1 + ASK_USAGE.length, raw.length - brace - 1);
        return spliced;
    }
}
