package nexus.proxy.feedback;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.ClientJson;
import nexus.shared.error.ApiError;

/**
 * The body of {@code POST /v1/feedback}, read strictly ({@link ClientJson}) and checked; anything wrong is a 400
 * naming the field. Tags sent twice are kept once, in the order first sent.
 *
 * @param comment null when none was sent
 */
public record FeedbackRequest(String generationId, int rating, String comment, List<String> tags) {

    static final int MAX_GENERATION_ID = 200;
    static final int MAX_COMMENT = 2_000;
    static final int MAX_TAGS = 10;
    static final int MAX_TAG = 50;
    private static final Set<String> FIELDS = Set.of("generation_id", "rating", "comment", "tags");

    public static FeedbackRequest parse(byte[] body, ObjectMapper mapper) {
        ObjectNode json = ClientJson.object(body, mapper, "request body");
        json.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                throw ApiError.invalidRequest("Unknown field '" + name + "'; a rating has generation_id, rating,"
                        + " comment and tags.", name);
            }
        });
        return new FeedbackRequest(generationId(json.get("generation_id")), rating(json.get("rating")),
                comment(json.get("comment")), tags(json.get("tags")));
    }

    private static String generationId(JsonNode value) {
        if (value == null || !value.isTextual() || value.textValue().isBlank()
                || value.textValue().length() > MAX_GENERATION_ID) {
            throw ApiError.invalidRequest("'generation_id' must be the X-Nexus-Generation-Id of an answer (a string).",
                    "generation_id");
        }
        return value.textValue();
    }

    private static int rating(JsonNode value) {
        if (value == null || !value.isIntegralNumber() || !(value.asLong() == 1 || value.asLong() == -1)) {
            throw ApiError.invalidRequest("'rating' must be 1 (up) or -1 (down).", "rating");
        }
        return value.intValue();
    }

    private static String comment(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || length(value.textValue()) > MAX_COMMENT) {
            throw ApiError.invalidRequest("'comment' must be a string of at most " + MAX_COMMENT + " characters.",
                    "comment");
        }
        return value.textValue();
    }

    private static List<String> tags(JsonNode value) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray() || value.size() > MAX_TAGS) {
            throw ApiError.invalidRequest("'tags' must be an array of at most " + MAX_TAGS + " strings.", "tags");
        }
        Set<String> tags = new LinkedHashSet<>();
        for (JsonNode tag : value) {
            if (!tag.isTextual() || tag.textValue().isBlank() || length(tag.textValue()) > MAX_TAG) {
                throw ApiError.invalidRequest("Each tag must be a string of 1 to " + MAX_TAG
                        + " characters, not blank.", "tags");
            }
            tags.add(tag.textValue());
        }
        return List.copyOf(new ArrayList<>(tags));
    }

    /** Characters as a person counts them (code points), not UTF-16 units. */
    private static int length(String text) {
        return text.codePointCount(0, text.length());
    }
}
