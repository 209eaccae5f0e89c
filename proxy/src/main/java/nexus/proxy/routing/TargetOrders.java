package nexus.proxy.routing;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import nexus.shared.db.ModelPrices;
import nexus.shared.db.RouteStrategy;

/** The orders of the built-in strategies; each works on a route's few targets, in place. Stateless. */
public final class TargetOrders {

    private TargetOrders() {}

    /**
     * An order per strategy: priority, weighted (drawn from {@code random}), cost, least latency, and the learning
     * router's {@code bandit}.
     */
    public static Map<RouteStrategy, TargetOrder> standard(RandomGenerator random, TargetOrder bandit) {
        Map<RouteStrategy, TargetOrder> orders = new EnumMap<>(RouteStrategy.class);
        orders.put(RouteStrategy.PRIORITY, TargetOrders::priority);
        orders.put(RouteStrategy.WEIGHTED, (candidates, stream) -> weighted(candidates, random));
        orders.put(RouteStrategy.COST, (candidates, stream) -> cost(candidates));
        orders.put(RouteStrategy.LEAST_LATENCY, TargetOrders::leastLatency);
        orders.put(RouteStrategy.BANDIT, bandit);
        return orders;
    }

    /** As listed. */
    static int[] priority(Candidates candidates, boolean stream) {
        int[] order = new int[candidates.targets().size()];
        Arrays.setAll(order, index -> index);
        return order;
    }

    /**
     * A weighted random order without replacement (each next target drawn with a chance proportional to its weight
     * among those left): sorting by {@code -ln(u) / weight} gives exactly that. Weight 0 comes after, as listed.
     */
    static int[] weighted(Candidates candidates, RandomGenerator random) {
        int[] weights = candidates.route().weights();
        double[] keys = new double[weights.length];
        for (int index = 0; index < weights.length; index++) {
            keys[index] = weights[index] <= 0 ? Double.POSITIVE_INFINITY
                    : -Math.log(1.0 - random.nextDouble()) / weights[index];
        }
        return sorted(weights.length, Comparator.comparingDouble(index -> keys[index]));
    }

    /** Cheapest first by input plus output price per million tokens; unpriced ones after, as listed. */
    static int[] cost(Candidates candidates) {
        List<Target> targets = candidates.targets();
        BigDecimal[] prices = new BigDecimal[targets.size()];
        for (int index = 0; index < prices.length; index++) {
            prices[index] = tokenPrice(targets.get(index).prices());
        }
        return sorted(prices.length, Comparator.comparing(index -> prices[index],
                Comparator.nullsLast(Comparator.naturalOrder())));
    }

    /** Lowest median latency (time to first token for a stream) first; targets not measured yet before all. */
    static int[] leastLatency(Candidates candidates, boolean stream) {
        long[] medians = new long[candidates.circuits().size()];
        for (int index = 0; index < medians.length; index++) {
            medians[index] = candidates.circuits().get(index).medianMillis(stream);
        }
        return sorted(medians.length, Comparator.comparingLong(index -> medians[index]));
    }

    private static BigDecimal tokenPrice(ModelPrices prices) {
        if (prices.inputPrice() == null && prices.outputPrice() == null) {
            return null;
        }
        BigDecimal input = prices.inputPrice() == null ? BigDecimal.ZERO : prices.inputPrice();
        return prices.outputPrice() == null ? input : input.add(prices.outputPrice());
    }

    /** 0..count-1 in a stable sort by {@code by}: ties keep the listed order. */
    private static int[] sorted(int count, Comparator<Integer> by) {
        Integer[] boxed = new Integer[count];
        Arrays.setAll(boxed, index -> index);
        Arrays.sort(boxed, by);
        int[] order = new int[count];
        Arrays.setAll(order, index -> boxed[index]);
        return order;
    }
}
