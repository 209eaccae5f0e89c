package nexus.proxy.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.ClientJson;
import nexus.shared.error.ApiError;

/**
 * One client frame of {@code /ws/chat}, taken apart: the chat request as it goes upstream, and the two fields that
 * are Nexus's own and never leave it. Immutable by convention.
 *
 * @param request        the chat completion request without {@code api_key} and {@code conversation_id}
 * @param apiKey         the frame's own key, or null when it carries none
 * @param conversationId the frame's own conversation id, or null when it names none
 */
record ChatFrame(ObjectNode request, String apiKey, String conversationId) {

    static final String API_KEY = "api_key";
    static final String CONVERSATION_ID = "conversation_id";

    /** Parses a text frame strictly ({@link ClientJson}); 400 invalid_request when it is not one JSON object or a
     * Nexus field has the wrong type. */
    static ChatFrame parse(String text, ObjectMapper mapper) {
        ObjectNode request = ClientJson.object(text, mapper, "frame");
        // The tree was parsed for this frame alone, so taking our fields out of it changes nothing anyone shares.
        String apiKey = optionalText(request.remove(API_KEY), API_KEY);
        String conversationId = optionalText(request.remove(CONVERSATION_ID), CONVERSATION_ID);
        return new ChatFrame(request, apiKey, conversationId);
    }

    /** A string field's value; null when absent, JSON null or blank. */
    private static String optionalText(JsonNode value, String field) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiError.invalidRequest("'" + field + "' must be a string.", field);
        }
        return value.asText().isBlank() ? null : value.asText().strip();
    }

    @Override
    public String toString() {
        return "ChatFrame[model=" + request.path("model").asText(null) + ", conversationId=" + conversationId + "]";
    }
}
