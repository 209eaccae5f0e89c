package nexus.admin.feedback;

import java.util.List;

import nexus.admin.provider.Timestamps;
import nexus.shared.db.Feedback;

/**
 * One rating as the admin API lists it: {@code owner} is {@code key:<id>} for an issued key and
 * {@code personal:<sha256>} for a provider's personalized key; {@code route} is null for a plain model. Immutable.
 */
record FeedbackView(String generationId, int rating, String comment, List<String> tags, String route, long providerId,
                    String model, String owner, String createdAt, String updatedAt) {

    static FeedbackView of(Feedback row, List<String> tags) {
        return new FeedbackView(row.generationId(), row.rating(), row.comment(), tags, row.route(), row.providerId(),
                row.model(), row.owner(), Timestamps.iso(row.createdAtMillis()), Timestamps.iso(row.updatedAtMillis()));
    }
}
