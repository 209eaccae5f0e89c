package nexus.proxy.video;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.chat.JsonBody;
import nexus.shared.error.ApiError;

/**
 * Translates the seed platform's {@code POST /api/proxy/video/generate} body
 * ({@code {model, content:[{type:"text",text}], ratio?, duration?}}) into an OpenAI video create request: the text
 * parts joined into the prompt, the ratio into a size, the duration into seconds. What has no OpenAI equivalent is a
 * 400 naming the field. Stateless.
 */
final class SeedVideoRequest {

    /** Each aspect ratio as a 720p size, the resolution every OpenAI video model renders. */
    static final Map<String, String> SIZES = Map.of(
            "16:9", "1280x720",
            "9:16", "720x1280",
            "1:1", "720x720",
            "4:3", "960x720",
            "3:4", "720x960",
            "21:9", "1680x720");

    private SeedVideoRequest() {}

    static VideoRequest translate(byte[] body, ObjectMapper mapper) {
        ObjectNode seed = JsonBody.parseObject(body, mapper);
        ObjectNode create = mapper.createObjectNode();
        create.set("model", seed.get("model"));  // checked with the rest of the create request
        create.put("prompt", prompt(seed.get("content")));
        JsonNode ratio = seed.get("ratio");
        if (ratio != null && !ratio.isNull()) {
            String size = ratio.isTextual() ? SIZES.get(ratio.asText()) : null;
            if (size == null) {
                throw ApiError.invalidRequest("'ratio' must be one of " + String.join(", ", SIZES.keySet().stream()
                        .sorted().toList()) + ".", "ratio");
            }
            create.put("size", size);
        }
        JsonNode duration = seed.get("duration");
        if (duration != null && !duration.isNull()) {
            if (!duration.canConvertToExactIntegral() || duration.asLong() < 1 || duration.asLong() > 3_600) {
                throw ApiError.invalidRequest("'duration' must be a whole number of seconds from 1 to 3600.",
                        "duration");
            }
            create.put("seconds", Long.toString(duration.asLong()));
        }
        return VideoRequest.ofJson(create, mapper);
    }

    /** The text parts joined with newlines; any other part cannot be sent as an OpenAI prompt. */
    private static String prompt(JsonNode content) {
        if (content == null || content.isNull()) {
            throw ApiError.invalidRequest("Missing required parameter: 'content'.", "content");
        }
        if (!content.isArray() || content.isEmpty()) {
            throw ApiError.invalidRequest("'content' must be a non-empty array of {\"type\":\"text\",\"text\":…} parts.",
                    "content");
        }
        List<String> texts = new ArrayList<>();
        for (int index = 0; index < content.size(); index++) {
            JsonNode part = content.get(index);
            String field = "content[" + index + "]";
            if (!part.isObject() || !"text".equals(part.path("type").asText(null))) {
                throw ApiError.invalidRequest(field + " must be a part of type 'text'; other parts (images) cannot be"
                        + " translated to an OpenAI video request.", field + ".type");
            }
            if (!part.path("text").isTextual()) {
                throw ApiError.invalidRequest(field + ".text must be a string.", field + ".text");
            }
            texts.add(part.get("text").asText());
        }
        String prompt = String.join("\n", texts);
        if (prompt.isBlank()) {
            throw ApiError.invalidRequest("The text parts of 'content' are empty; the video needs a prompt.", "content");
        }
        return prompt;
    }
}
