package nexus.shared.db;

/** One row of {@code route_target}: a provider's model a route may send to, at its place in the route's order. */
public record RouteTarget(long routeId, int position, long providerId, String modelName, int weight) {}
