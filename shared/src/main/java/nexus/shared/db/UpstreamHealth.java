package nexus.shared.db;

/**
 * One row of {@code upstream_health}: a circuit's breaker state ({@code closed}, {@code open}, {@code half_open},
 * {@code misconfigured}) and its report over the health window as JSON, as the proxy last published them. A target
 * has an instance-wide circuit ({@code route} empty) and one more per route with health settings of its own.
 */
public record UpstreamHealth(long providerId, String modelName, String route, String state, String report,
                             long updatedAtMillis) {}
