package nexus.shared.db;

/**
 * Usage sums and cost (nano-units) for one route (null: the rows of plain model names), with how many of its rows were
 * fallbacks (attempt after the first), failed (status not 200), or tried past an open circuit.
 */
public record RouteUsage(String route, long requests, long promptTokens, long completionTokens, long totalTokens,
                         long costNanos, long fallbacks, long failed, long pastOpenCircuit) {}
