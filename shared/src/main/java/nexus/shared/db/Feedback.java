package nexus.shared.db;

/**
 * One row of {@code feedback}: what a key holder thought of one generation (the usage row whose request id is
 * {@code generationId}), with where that generation came from. {@code rating} is 1 (up) or -1 (down), {@code tags}
 * a JSON array of strings, {@code route} the route the client named or null.
 */
public record Feedback(String generationId, String owner, int rating, String comment, String tags, String route,
                       long providerId, String model, long createdAtMillis, long updatedAtMillis) {}
