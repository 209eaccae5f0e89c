package nexus.shared.db;

/**
 * A rating as the learning router needs it: the target that served the rated generation (provider and model), the
 * rating (1 up, -1 down) and when it was last given.
 */
public record TargetRating(long providerId, String model, int rating, long updatedAtMillis) {}
