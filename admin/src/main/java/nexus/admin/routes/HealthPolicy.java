package nexus.admin.routes;

import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import nexus.shared.db.Route;
import nexus.shared.error.ApiError;

/**
 * A route's circuit-breaker settings, as sent and as shown: {@code failures} retryable failures within
 * {@code window_ms} open a target for {@code cooldown_ms}; a null value is the instance-wide default. Immutable.
 */
record HealthPolicy(Integer failures, Long windowMs, Long cooldownMs) {

    static final HealthPolicy DEFAULTS = new HealthPolicy(null, null, null);
    static final int MAX_FAILURES = 1_000;
    static final long MIN_MILLIS = 1_000;
    private static final Set<String> FIELDS = Set.of("failures", "window_ms", "cooldown_ms");

    /** The {@code health} object of a body, or null when left out or null. */
    static HealthPolicy parse(JsonNode health) {
        if (health == null) {
            return null;
        }
        if (!health.isObject()) {
            throw ApiError.invalidRequest("'health' must be an object with failures, window_ms and cooldown_ms.",
                    "health");
        }
        for (Iterator<String> names = health.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiError.invalidRequest("Unknown field 'health." + name + "'; known fields: cooldown_ms,"
                        + " failures, window_ms.", "health." + name);
            }
        }
        Long failures = Limits.range(health.get("failures"), "health.failures", 1, MAX_FAILURES);
        return new HealthPolicy(failures == null ? null : failures.intValue(),
                Limits.range(health.get("window_ms"), "health.window_ms", MIN_MILLIS, Long.MAX_VALUE),
                Limits.range(health.get("cooldown_ms"), "health.cooldown_ms", MIN_MILLIS, Long.MAX_VALUE));
    }

    static HealthPolicy of(Route route) {
        return new HealthPolicy(route.healthFailures(), route.healthWindowMs(), route.healthCooldownMs());
    }
}
