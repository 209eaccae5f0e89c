package nexus.admin.routes;

import java.util.List;

import nexus.admin.provider.Timestamps;
import nexus.shared.db.Route;

/** A route as the admin API shows it; null policy values are the instance-wide defaults. Immutable. */
record RouteView(long id, String name, String type, String strategy, String description, boolean enabled,
                 List<TargetView> targets, Integer maxAttempts, Long deadlineMs, Long firstTokenTimeoutMs,
                 HealthPolicy health, String createdAt, String updatedAt) {

    /**
     * One target: {@code provider_name} is null and {@code usable} false once its provider was deleted; {@code usable}
     * is false too while its provider or model is disabled, missing or of another type.
     */
    record TargetView(long providerId, String providerName, String modelName, int weight, boolean usable) {}

    static RouteView of(Route route, List<TargetView> targets) {
        return new RouteView(route.id(), route.name(), route.type().wireName(), route.strategy(), route.description(),
                route.enabled(), targets, route.maxAttempts(), route.deadlineMs(), route.firstTokenTimeoutMs(),
                HealthPolicy.of(route), Timestamps.iso(route.createdAtMillis()), Timestamps.iso(route.updatedAtMillis()));
    }
}
