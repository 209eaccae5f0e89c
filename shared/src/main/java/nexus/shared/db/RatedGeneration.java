package nexus.shared.db;

/**
 * One row of {@code feedback} as the admin reads it: a key holder's rating (1 or -1) of one generation, the target
 * that served it and the route the client named (null for a plain model); {@code tags} is a JSON array text.
 */
public record RatedGeneration(String generationId, String owner, int rating, String comment, String tags, String route,
                              long providerId, String model, long createdAtMillis, long updatedAtMillis) {}
