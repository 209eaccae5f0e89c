package nexus.shared.db;

import java.util.Locale;
import java.util.Optional;

/** How a route picks among its targets; stored by its wire name in {@code route.strategy}. */
public enum RouteStrategy implements WireNamed {
    PRIORITY,
    WEIGHTED,
    LEAST_LATENCY,
    COST,
    BANDIT;

    @Override
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<RouteStrategy> fromWireName(String value) {
        return WireNamed.find(RouteStrategy.class, value);
    }

    /** The accepted names, for error messages: "priority, weighted, least_latency, cost, bandit". */
    public static String wireNames() {
        return WireNamed.names(RouteStrategy.class);
    }
}
