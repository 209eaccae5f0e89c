package nexus.proxy.routing;

import java.util.List;

import nexus.proxy.health.Circuit;

/**
 * The targets that may answer one name, in the order they are tried, each with its breaker; built when the routing
 * table loads. A name served by one target has no breaker: it is tried once, as it always was.
 */
public record Candidates(List<Target> targets, List<Circuit> circuits) {

    /** True when only one target serves the name. */
    public boolean single() {
        return targets.size() == 1;
    }

    /** The first target. */
    public Target first() {
        return targets.getFirst();
    }
}
