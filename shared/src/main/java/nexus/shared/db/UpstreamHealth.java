package nexus.shared.db;

/**
 * One row of {@code upstream_health}: a target's breaker state ({@code closed}, {@code open}, {@code half_open},
 * {@code misconfigured}) and its report over the health window as JSON, as the proxy last published them.
 */
public record UpstreamHealth(long providerId, String modelName, String state, String report, long updatedAtMillis) {}
