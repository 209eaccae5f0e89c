package nexus.proxy.feedback;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.shared.db.Feedback;

/**
 * A stored rating as {@code POST /v1/feedback} answers it; {@code created_at} (when first rated) and
 * {@code updated_at} (when last rated) are Unix seconds, as OpenAI's objects give times.
 */
public record FeedbackView(String generationId, int rating, String comment, List<String> tags, String route,
                           String model, long providerId, long createdAt, long updatedAt) {

    private static final TypeReference<List<String>> TAGS = new TypeReference<>() {};

    static FeedbackView of(Feedback feedback, ObjectMapper mapper) {
        try {
            return new FeedbackView(feedback.generationId(), feedback.rating(), feedback.comment(),
                    mapper.readValue(feedback.tags(), TAGS), feedback.route(), feedback.model(),
                    feedback.providerId(), feedback.createdAtMillis() / 1000, feedback.updatedAtMillis() / 1000);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The tags of a stored rating are not a JSON array of strings", e);
        }
    }
}
