package nexus.proxy.routing.bandit;

import java.util.List;
import java.util.random.RandomGenerator;

import nexus.proxy.health.Circuit;
import nexus.proxy.routing.Candidates;
import nexus.proxy.routing.Target;
import nexus.proxy.routing.TargetOrder;

/**
 * The learning router (Thompson sampling): per request, one draw from each target's reward posterior, best draw
 * first, so a target is tried first as often as it is likely the best. Targets no request may go to now (cooling
 * down, misconfigured, or being probed) come last, the one that failed least recently first. Thread-safe when its
 * random source is (as {@link java.util.Random} is).
 */
public final class BanditOrder implements TargetOrder {

    private final BanditStats stats;
    private final RandomGenerator random;

    public BanditOrder(BanditStats stats, RandomGenerator random) {
        this.stats = stats;
        this.random = random;
    }

    @Override
    public int[] order(Candidates candidates, boolean stream) {
        List<Target> targets = candidates.targets();
        List<Circuit> circuits = candidates.circuits();
        int count = targets.size();
        int[] order = new int[count];
        if (count == 1) {
            return order;
        }
        boolean guarded = circuits.size() == count;
        double[] draws = new double[count];
        for (int index = 0; index < count; index++) {
            Target target = targets.get(index);
            draws[index] = guarded && unavailable(circuits.get(index)) ? Double.NaN
                    : stats.evidence(target.provider().id(), target.model()).sample(random);
        }
        // insertion sort: a route has a handful of targets, and ties keep the route's order
        for (int index = 0; index < count; index++) {
            int position = index;
            while (position > 0 && before(index, order[position - 1], draws, circuits)) {
                order[position] = order[position - 1];
                position--;
            }
            order[position] = index;
        }
        return order;
    }

    private static boolean unavailable(Circuit circuit) {
        return switch (circuit.state()) {
            case CLOSED -> false;
            case OPEN -> circuit.coolingDown();  // once cooled down, drawn like the others: its probe must come
            case HALF_OPEN, MISCONFIGURED -> true;
        };
    }

    /** True when target {@code first} goes strictly before {@code second}; an unavailable target's draw is NaN. */
    private static boolean before(int first, int second, double[] draws, List<Circuit> circuits) {
        boolean firstDrawn = !Double.isNaN(draws[first]);
        boolean secondDrawn = !Double.isNaN(draws[second]);
        if (firstDrawn != secondDrawn) {
            return firstDrawn;
        }
        return firstDrawn ? draws[first] > draws[second]
                : circuits.get(first).lastFailureNanos() < circuits.get(second).lastFailureNanos();
    }
}
