package nexus.shared.db;

/**
 * One row of {@code upstream_health} as the proxy published it, with the provider's current name (null once the
 * provider was deleted); {@code report} is the proxy's JSON object of figures for that target.
 */
public record PublishedHealth(long providerId, String providerName, String modelName, String state, String report,
                              long updatedAtMillis) {}
