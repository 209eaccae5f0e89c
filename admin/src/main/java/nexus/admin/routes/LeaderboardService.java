package nexus.admin.routes;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import nexus.shared.db.Database;
import nexus.shared.db.Feedback;
import nexus.shared.db.FeedbackReportDao;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.Route;
import nexus.shared.db.RouteDao;
import nexus.shared.db.RouteTarget;
import nexus.shared.db.RouteUsageDao;
import nexus.shared.db.TargetRequests;

/** Ranks a route's targets by traffic, feedback and ELO; knows nothing of HTTP. Thread-safe. */
final class LeaderboardService {

    private static final Duration TRAFFIC_WINDOW = Duration.ofDays(1);

    private final Database database;
    private final Clock clock;

    LeaderboardService(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    LeaderboardView of(long routeId) {
        return database.inReadTransaction(handle -> {
            Route route = RouteService.find(handle, routeId);
            List<RouteTarget> targets = handle.attach(RouteDao.class).listTargets(routeId);
            Map<String, Integer> indexes = new HashMap<>();
            for (int i = 0; i < targets.size(); i++) {
                indexes.put(key(targets.get(i).providerId(), targets.get(i).modelName()), i);
            }

            long[] up = new long[targets.size()];
            long[] down = new long[targets.size()];
            Elo elo = new Elo(targets.size());
            for (Feedback rating : handle.attach(FeedbackReportDao.class).ofRoute(route.name())) {
                Integer index = indexes.get(key(rating.providerId(), rating.model()));
                if (index != null) {  // a target since removed from the route has no place in its ranking
                    (rating.rating() > 0 ? up : down)[index]++;
                    elo.rate(index, rating.rating() > 0);
                }
            }

            Map<String, Long> requests = new HashMap<>();
            long total = 0;
            long since = clock.millis() - TRAFFIC_WINDOW.toMillis();
            for (TargetRequests served : handle.attach(RouteUsageDao.class).requestsByTarget(route.name(), since)) {
                requests.put(key(served.providerId(), served.model()), served.requests());
                total += served.requests();
            }

            ProviderDao providers = handle.attach(ProviderDao.class);
            List<LeaderboardView.Line> lines = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                RouteTarget target = targets.get(i);
                long served = requests.getOrDefault(key(target.providerId(), target.modelName()), 0L);
                BetaPosterior posterior = BetaPosterior.of(up[i], down[i]);
                lines.add(new LeaderboardView.Line(target.position(), target.providerId(),
                        providers.findById(target.providerId()).map(Provider::name).orElse(null), target.modelName(),
                        round(elo.rating(i), 1), served, total == 0 ? null : round((double) served / total, 4), up[i],
                        down[i], round(posterior.mean(), 4), round(posterior.low(), 4), round(posterior.high(), 4)));
            }
            lines.sort(Comparator.comparingDouble((LeaderboardView.Line line) -> -line.elo())
                    .thenComparingInt(LeaderboardView.Line::position));
            return new LeaderboardView(route.id(), route.name(), Elo.K, lines);
        });
    }

    private static String key(long providerId, String model) {
        return providerId + "\n" + model;
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
