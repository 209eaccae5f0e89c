package nexus.proxy.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

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

    /** The name clients call these candidates by: the route's, or the plain model's. */
    public String name() {
        return route != null ? route.name() : first().model();
    }

    /**
     * These candidates without the targets {@code keep} refuses, the others in the same order with their breakers and
     * weights; these same candidates when it keeps them all.
     */
    public Candidates keeping(Predicate<Target> keep) {
        int kept = 0;
        for (int index = 0; index < targets.size(); index++) {
            kept += keep.test(targets.get(index)) ? 1 : 0;
        }
        if (kept == targets.size()) {
            return this;
        }
        List<Target> keptTargets = new ArrayList<>(kept);
        List<Circuit> keptCircuits = new ArrayList<>(kept);
        int[] weights = new int[kept];
        for (int index = 0; index < targets.size(); index++) {
            if (keep.test(targets.get(index))) {
                if (route != null) {
                    weights[keptTargets.size()] = route.weights()[index];
                }
                keptTargets.add(targets.get(index));
                if (!circuits.isEmpty()) {
                    keptCircuits.add(circuits.get(index));
                }
            }
        }
        return new Candidates(List.copyOf(keptTargets), List.copyOf(keptCircuits),
                route == null ? null : route.withWeights(weights));
    }
}
