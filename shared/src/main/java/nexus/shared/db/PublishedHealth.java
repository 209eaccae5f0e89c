package nexus.shared.db;

/**
 * One row of {@code upstream_health} as the proxy published it, with the provider's current name (null once the
 * provider was deleted); {@code route} is empty for a target's instance-wide circuit, else the route whose own circuit
 * it is; {@code report} is the proxy's JSON object of figures for that circuit.
 */
public record PublishedHealth(long providerId, String providerName, String modelName, String route, String state,
                              String report, long updatedAtMillis) {}
