package nexus.admin.stats;

import nexus.shared.db.RouteUsage;
import nexus.shared.money.Money;

/**
 * One route's line in a usage report grouped by route, the cost as a decimal string, with how many of its rows were
 * fallbacks, failed, or tried past an open circuit. The rows of plain model names are one line with a null
 * {@code route}. Immutable.
 */
public record RouteStatsView(String route, long requests, long promptTokens, long completionTokens, long totalTokens,
                             String cost, long fallbacks, long failed, long pastOpenCircuit) {

    static RouteStatsView of(RouteUsage usage) {
        return new RouteStatsView(usage.route(), usage.requests(), usage.promptTokens(), usage.completionTokens(),
                usage.totalTokens(), Money.format(usage.costNanos()), usage.fallbacks(), usage.failed(),
                usage.pastOpenCircuit());
    }
}
