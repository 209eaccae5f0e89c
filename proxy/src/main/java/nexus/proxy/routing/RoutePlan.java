package nexus.proxy.routing;

import nexus.shared.db.RouteStrategy;

/**
 * What a route adds to its candidates: its name, how it orders them, each target's weight (by index), and how many
 * attempts one call may make within what time (0: the failover's defaults), when the route was created, and how long
 * a stream may wait for its first chunk before the next target is tried (0: no limit but the read timeout).
 */
public record RoutePlan(String name, RouteStrategy strategy, int[] weights, int maxAttempts, long deadlineNanos,
                        long createdAtMillis, long firstTokenTimeoutNanos) {

    /** The same plan for other targets, of these weights. */
    RoutePlan withWeights(int[] targetWeights) {
        return new RoutePlan(name, strategy, targetWeights, maxAttempts, deadlineNanos, createdAtMillis,
                firstTokenTimeoutNanos);
    }
}
