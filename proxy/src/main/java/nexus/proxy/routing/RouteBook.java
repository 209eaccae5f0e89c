package nexus.proxy.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import nexus.proxy.health.Circuit;
import nexus.proxy.health.HealthSettings;
import nexus.proxy.health.TargetHealth;
import nexus.shared.db.ModelType;
import nexus.shared.db.Route;
import nexus.shared.db.RouteStrategy;
import nexus.shared.db.RouteTarget;

/**
 * The enabled routes of one routing table load, each with its usable targets (provider enabled, model enabled there
 * and of the route's type) and their circuits; adds them to a caller's names. Immutable once built.
 */
final class RouteBook {

    /** One usable target of a route, with its breaker and weight. */
    private record Usable(Target target, Circuit circuit, int weight) {}

    /** One enabled route: its row and usable targets, in the route's order. */
    private record Entry(Route route, RouteStrategy strategy, List<Usable> usable) {}

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, ModelType> types = new HashMap<>();

    RouteBook(List<Route> routes, List<RouteTarget> targets, Map<Long, Map<String, Target>> modelsByProvider,
              TargetHealth health) {
        Map<Long, List<RouteTarget>> byRoute = new HashMap<>();
        targets.forEach(target -> byRoute.computeIfAbsent(target.routeId(), id -> new ArrayList<>()).add(target));
        for (Route route : routes) {
            if (!route.enabled()) {
                continue;
            }
            HealthSettings settings = settings(route, health.settings());
            List<Usable> usable = new ArrayList<>();
            for (RouteTarget row : byRoute.getOrDefault(route.id(), List.of())) {
                Target target = modelsByProvider.getOrDefault(row.providerId(), Map.of()).get(row.modelName());
                if (target != null && target.type() == route.type()) {
                    usable.add(new Usable(target, health.circuit(target.provider(), target.model(), route.name(),
                            settings), row.weight()));
                }
            }
            entries.add(new Entry(route, RouteStrategy.fromWireName(route.strategy()).orElse(RouteStrategy.PRIORITY),
                    List.copyOf(usable)));
            types.put(route.name(), route.type());
        }
    }

    /** The type of the enabled route of this name, or null when there is none. */
    ModelType type(String name) {
        return types.get(name);
    }

    /**
     * Adds to {@code byType} (per type, by name) each route whose targets this caller may reach: for an issued key
     * ({@code everyTarget} false) the targets {@code reachable} keeps, one whose targets were all filtered out not at
     * all; for a personalized key ({@code everyTarget} true) only a route whose every usable target is reachable. A
     * route with no usable target at all is added empty, so it answers 503.
     */
    void addTo(Map<ModelType, Map<String, Candidates>> byType, Predicate<Target> reachable, boolean everyTarget) {
        for (Entry entry : entries) {
            List<Usable> kept = entry.usable().stream().filter(usable -> reachable.test(usable.target())).toList();
            boolean add = entry.usable().isEmpty()
                    || (everyTarget ? kept.size() == entry.usable().size() : !kept.isEmpty());
            if (add) {
                byType.computeIfAbsent(entry.route().type(), type -> new HashMap<>())
                        .put(entry.route().name(), candidates(entry, kept));
            }
        }
    }

    private static Candidates candidates(Entry entry, List<Usable> kept) {
        Route route = entry.route();
        int[] weights = kept.stream().mapToInt(Usable::weight).toArray();
        RoutePlan plan = new RoutePlan(route.name(), entry.strategy(), weights,
                route.maxAttempts() == null ? 0 : route.maxAttempts(),
                route.deadlineMs() == null ? 0 : route.deadlineMs() * 1_000_000L, route.createdAtMillis(),
                route.firstTokenTimeoutMs() == null ? 0 : route.firstTokenTimeoutMs() * 1_000_000L);
        return new Candidates(kept.stream().map(Usable::target).toList(),
                kept.stream().map(Usable::circuit).toList(), plan);
    }

    /** The route's breaker settings, the instance's where it sets none. */
    private static HealthSettings settings(Route route, HealthSettings defaults) {
        if (route.healthFailures() == null && route.healthWindowMs() == null && route.healthCooldownMs() == null) {
            return defaults;
        }
        return new HealthSettings(
                route.healthFailures() == null ? defaults.failures() : route.healthFailures(),
                route.healthWindowMs() == null ? defaults.window() : Duration.ofMillis(route.healthWindowMs()),
                route.healthCooldownMs() == null ? defaults.cooldown()
                        : Duration.ofMillis(route.healthCooldownMs()),
                defaults.maxCooldown());
    }
}
