package nexus.admin.routes;

import java.util.List;

/**
 * {@code GET /routes/{id}/leaderboard}: the route's targets, best ELO first. {@code requests} and {@code share} cover the
 * last 24 hours ({@code share} is null when the route served nothing then); feedback, the posterior and ELO cover every
 * rating the route's generations got. Immutable.
 */
record LeaderboardView(long routeId, String route, double kFactor, List<Line> targets) {

    /** One target; {@code position} is its place in the route's order, from 0. */
    record Line(int position, long providerId, String providerName, String modelName, double elo, long requests,
                Double share, long up, long down, double posteriorMean, double intervalLow, double intervalHigh) {}
}
