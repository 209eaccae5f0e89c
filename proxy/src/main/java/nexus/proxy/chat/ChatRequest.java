package nexus.proxy.chat;

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
        return fromObject(rawBody, JsonBody.parseObject(rawBody, mapper));
    }

    /** Validates an already parsed request object (a WebSocket frame). */
    public static ChatRequest fromObject(byte[] rawBody, ObjectNode body) {
        String model = JsonBody.requireModel(body);
        requireMessages(body);
        boolean stream = JsonBody.optionalBoolean(body, "stream");
        return new ChatRequest(rawBody, body, model, stream, JsonBody.wantsStreamUsage(body));
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
        return JsonBody.forUpstream(rawBody, body, model, upstreamModel, forceStream, askUsage, mapper);
    }
}
