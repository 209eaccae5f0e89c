package nexus.proxy.conversations;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.shared.error.ApiError;

/** Reads and checks the fields conversations and messages carry: title, metadata, paging parameters. Stateless. */
public final class ConversationFields {

    static final int MAX_TITLE_CHARS = 200;
    static final int MAX_METADATA_BYTES = 4096;

    private ConversationFields() {}

    /** A title: absent or null is null; otherwise a string of at most 200 characters. */
    static String title(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiError.invalidRequest("'title' must be a string.", "title");
        }
        String title = value.asText();
        if (title.codePointCount(0, title.length()) > MAX_TITLE_CHARS) {
            throw ApiError.invalidRequest("'title' is longer than " + MAX_TITLE_CHARS + " characters.", "title");
        }
        return title;
    }

    /** Metadata as JSON text: absent or null is {@code {}}; otherwise an object of at most 4 KB serialized. */
    static String metadata(JsonNode value, String param, ObjectMapper mapper) {
        String json = metadataOrNull(value, param, mapper);
        return json == null ? "{}" : json;
    }

    /** The same, with absent or null as null (a message's own metadata). */
    static String metadataOrNull(JsonNode value, String param, ObjectMapper mapper) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw ApiError.invalidRequest("'" + param + "' must be a JSON object.", param);
        }
        String json = write(value, mapper);
        if (json.getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_BYTES) {
            throw ApiError.invalidRequest("'" + param + "' is larger than the limit of " + MAX_METADATA_BYTES
                    + " bytes serialized.", param);
        }
        return json;
    }

    /** A {@code limit} query parameter: {@code fallback} when absent, else an integer from 1 to {@code max}. */
    public static int limit(String value, int fallback, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(value.strip());
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.invalidRequest("'limit' must be an integer from 1 to " + max + ".", "limit");
    }

    /** An {@code order} query parameter: {@code asc} (true) or {@code desc} (false), {@code fallback} when absent. */
    public static boolean ascending(String value, boolean fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return switch (value.strip()) {
            case "asc" -> true;
            case "desc" -> false;
            default -> throw ApiError.invalidRequest("'order' must be 'asc' or 'desc'.", "order");
        };
    }

    static String write(JsonNode value, ObjectMapper mapper) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree could not be written", e);
        }
    }
}
