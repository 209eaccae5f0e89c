package nexus.proxy.routing;

import java.util.List;

import nexus.proxy.health.Circuit;

/**
 * The targets that may answer one name, in the order they are tried, each with its breaker; built when the routing
 * table loads. A model name served by one target has no breaker: it is tried once, as it always was. A route's
 * candidates carry its {@link RoutePlan} and always go through the failover, however many targets it has.
 */
public record Candidates(List<Target> targets, List<Circuit> circuits, RoutePlan route) {

    /** The candidates of a plain model name. */
    public Candidates(List<Target> targets, List<Circuit> circuits) {
        this(targets, circuits, null);
    }

    /** True when only one target serves a plain model name: it is called directly, without the failover. */
    public boolean single() {
        return route == null && targets.size() == 1;
    }

    /** The first target. */
    public Target first() {
        return targets.getFirst();
    }
}
