package nexus.proxy.video;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.MediaType;
import okhttp3.MultipartReader;
import okio.Buffer;

import nexus.proxy.chat.JsonBody;
import nexus.shared.error.ApiError;

/**
 * A client's request to create a video: the fields Nexus reads, and the body as the upstream receives it (the
 * client's own bytes, JSON or multipart/form-data, with their content type). Immutable.
 *
 * @param seconds the requested duration, or null for the upstream's default
 * @param size the requested {@code WIDTHxHEIGHT}, or null for the upstream's default
 */
public record VideoRequest(String model, String prompt, String seconds, String size, byte[] body, String contentType) {

    /** The seconds a video is priced by when the request does not say: OpenAI's default length. */
    static final long DEFAULT_SECONDS = 4;

    /** The requested length in whole seconds, or {@link #DEFAULT_SECONDS}. */
    long secondsOrDefault() {
        try {
            return seconds == null ? DEFAULT_SECONDS : Math.max(0, Long.parseLong(seconds.strip()));
        } catch (NumberFormatException e) {
            return DEFAULT_SECONDS;
        }
    }

    private static final String JSON = "application/json";
    private static final Pattern PART_NAME = Pattern.compile("(?i);\\s*name=\"([^\"]*)\"");
    private static final Pattern FILE_PART = Pattern.compile("(?i);\\s*filename\\*?=");

    /** A JSON create request built by Nexus itself (from another API's request). */
    static VideoRequest ofJson(ObjectNode request, ObjectMapper mapper) {
        try {
            return fromJson(mapper.writeValueAsBytes(request), request);
        } catch (IOException e) {
            throw new IllegalStateException("A JSON tree could not be written", e);
        }
    }

    /**
     * Parses a create request: multipart/form-data when the client says so (a file part such as
     * {@code input_reference} goes through untouched), JSON otherwise. Every problem is a 400 naming the field.
     */
    static VideoRequest parse(byte[] body, String contentType, ObjectMapper mapper) {
        MediaType type = contentType == null ? null : MediaType.parse(contentType);
        if (type != null && type.type().equals("multipart") && type.subtype().equals("form-data")) {
            return fromMultipart(body, contentType, type.parameter("boundary"));
        }
        return fromJson(body, JsonBody.parseObject(body, mapper));
    }

    private static VideoRequest fromJson(byte[] body, ObjectNode request) {
        String model = JsonBody.requireModel(request);
        String prompt = requiredText(request.get("prompt"), "prompt");
        JsonNode seconds = request.get("seconds");
        if (seconds != null && !seconds.isNull() && !seconds.isTextual() && !seconds.canConvertToExactIntegral()) {
            throw ApiError.invalidRequest("'seconds' must be a string such as \"8\".", "seconds");
        }
        JsonNode size = request.get("size");
        if (size != null && !size.isNull() && !size.isTextual()) {
            throw ApiError.invalidRequest("'size' must be a string such as \"1280x720\".", "size");
        }
        return new VideoRequest(model, prompt, textOrNull(seconds), textOrNull(size), body, JSON);
    }

    private static VideoRequest fromMultipart(byte[] body, String contentType, String boundary) {
        if (boundary == null || boundary.isEmpty()) {
            throw ApiError.invalidRequest("A multipart/form-data body needs a boundary in its Content-Type.", null);
        }
        Map<String, String> fields = new HashMap<>();
        try (MultipartReader reader = new MultipartReader(new Buffer().write(body), boundary)) {
            for (MultipartReader.Part next = reader.nextPart(); next != null; next = reader.nextPart()) {
                try (MultipartReader.Part part = next) {
                    String disposition = Objects.requireNonNullElse(part.headers().get("Content-Disposition"), "");
                    Matcher name = PART_NAME.matcher(disposition);
                    if (name.find() && !FILE_PART.matcher(disposition).find()) {
                        fields.put(name.group(1), part.body().readString(StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            throw ApiError.invalidRequest("The multipart/form-data body could not be read: " + e.getMessage(), null);
        }
        String model = requiredText(fields.get("model"), "model");
        String prompt = requiredText(fields.get("prompt"), "prompt");
        return new VideoRequest(model, prompt, fields.get("seconds"), fields.get("size"), body, contentType);
    }

    private static String requiredText(JsonNode value, String field) {
        if (value != null && !value.isNull() && !value.isTextual()) {
            throw ApiError.invalidRequest("'" + field + "' must be a string.", field);
        }
        return requiredText(value == null || value.isNull() ? null : value.asText(), field);
    }

    private static String requiredText(String value, String field) {
        if (value == null) {
            throw ApiError.invalidRequest("Missing required parameter: '" + field + "'.", field);
        }
        if (value.isBlank()) {
            throw ApiError.invalidRequest("'" + field + "' must not be empty.", field);
        }
        return value;
    }

    private static String textOrNull(JsonNode value) {
        return value == null || value.isNull() ? null : value.asText();
    }
}
