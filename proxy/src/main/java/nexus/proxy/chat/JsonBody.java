package nexus.proxy.chat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.ClientJson;
import nexus.shared.error.ApiError;

/**
 * A client's JSON request body, the rules every endpoint shares: it must be an object; {@code model}, {@code stream}
 * and {@code stream_options} are read alike; and it reaches the upstream as the client's own bytes unless something
 * must change. Stateless.
 */
public final class JsonBody {

    private static final byte[] ASK_USAGE = "\"stream_options\":{\"include_usage\":true},".getBytes(StandardCharsets.US_ASCII);

    private JsonBody() {}

    /** Parses a request body strictly ({@link ClientJson}); anything but one JSON object is a 400. */
    public static ObjectNode parseObject(byte[] rawBody, ObjectMapper mapper) {
        return ClientJson.object(rawBody, mapper, "request body");
    }

    /** The {@code model} field: required, a non-empty string. */
    public static String requireModel(ObjectNode body) {
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            throw ApiError.invalidRequest("You must provide a model parameter.", "model");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw ApiError.invalidRequest("'model' must be a non-empty string.", "model");
        }
        return model.asText();
    }

    /** An optional boolean field; false when absent or null. */
    public static boolean optionalBoolean(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw ApiError.invalidRequest("'" + field + "' must be a boolean.", field);
        }
        return value.booleanValue();
    }

    /** True when {@code stream_options.include_usage} asks for the usage chunk; 400 when either is mistyped. */
    public static boolean wantsStreamUsage(ObjectNode body) {
        JsonNode options = body.get("stream_options");
        if (options == null || options.isNull()) {
            return false;
        }
        if (!options.isObject()) {
            throw ApiError.invalidRequest("'stream_options' must be an object.", "stream_options");
        }
        JsonNode includeUsage = options.get("include_usage");
        if (includeUsage != null && !includeUsage.isNull() && !includeUsage.isBoolean()) {
            throw ApiError.invalidRequest("'stream_options.include_usage' must be a boolean.",
                    "stream_options.include_usage");
        }
        return includeUsage != null && includeUsage.asBoolean();
    }

    /**
     * The body to send upstream: the client's own bytes when nothing must change, else a copy with {@code model} set
     * to the upstream's name, {@code stream} forced on, and {@code stream_options.include_usage} asked for, as needed.
     *
     * @param rawBody the client's bytes, or null when there are none (a WebSocket frame)
     */
    public static byte[] forUpstream(byte[] rawBody, ObjectNode body, String clientModel, String upstreamModel,
                                     boolean forceStream, boolean askUsage, ObjectMapper mapper) {
        if (rawBody != null && !forceStream && !(askUsage && body.has("stream_options"))) {
            byte[] bytes = upstreamModel.equals(clientModel) ? rawBody : withModel(rawBody, upstreamModel, mapper);
            return askUsage ? withUsageRequested(bytes) : bytes;
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

    /**
     * The client's bytes with the value of the object's own {@code model} member (not one nested deeper) replaced by
     * {@code model}: a route's target gets its own name without re-serialising a body that may carry megabytes.
     * Only for a validated object, which has exactly one such member.
     */
    private static byte[] withModel(byte[] raw, String model, ObjectMapper mapper) {
        try (JsonParser parser = mapper.getFactory().createParser(raw)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean isModel = parser.currentName().equals("model");
                parser.nextToken();
                if (isModel) {
                    int start = (int) parser.currentTokenLocation().getByteOffset();
                    parser.finishToken();
                    int end = (int) parser.currentLocation().getByteOffset();
                    byte[] value = quoted(model);
                    byte[] spliced = new byte[raw.length - (end - start) + value.length];
                    System.arraycopy(raw, 0, spliced, 0, start);
                    System.arraycopy(value, 0, spliced, start, value.length);
                    System.arraycopy(raw, end, spliced, start + value.length, raw.length - end);
                    return spliced;
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            throw new IllegalStateException("A validated JSON body could not be read again", e);
        }
        throw new IllegalStateException("A validated JSON body has no model");
    }

    private static byte[] quoted(String text) {
        byte[] inner = JsonStringEncoder.getInstance().quoteAsUTF8(text);
        byte[] quoted = new byte[inner.length + 2];
        quoted[0] = '"';
        System.arraycopy(inner, 0, quoted, 1, inner.length);
        quoted[quoted.length - 1] = '"';
        return quoted;
    }

    /**
     * The client's bytes with {@code "stream_options":{"include_usage":true},} spliced in after the opening brace: no
     * re-serialisation of a body that may carry megabytes of images. Only for a validated object without
     * {@code stream_options}, which always has members (model at least), so the comma is right.
     */
    private static byte[] withUsageRequested(byte[] raw) {
        int brace = 0;
        while (raw[brace] != '{') {
            brace++;  // a parsed object: only whitespace can come before its brace
        }
        byte[] spliced = new byte[raw.length + ASK_USAGE.length];
        System.arraycopy(raw, 0, spliced, 0, brace + 1);
        System.arraycopy(ASK_USAGE, 0, spliced, brace + 1, ASK_USAGE.length);
        System.arraycopy(raw, brace + 1, spliced, brace + 1 + ASK_USAGE.length, raw.length - brace - 1);
        return spliced;
    }
}
