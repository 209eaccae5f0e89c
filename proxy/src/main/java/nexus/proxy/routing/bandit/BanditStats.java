package nexus.proxy.routing.bandit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import nexus.proxy.feedback.RatingListener;
import nexus.proxy.routing.bandit.Tally.Kind;
import nexus.shared.db.Database;
import nexus.shared.db.Feedback;
import nexus.shared.db.TargetRating;
import nexus.shared.db.TargetRatingDao;

/**
 * What the learning router knows of each target (a provider and a model name): its ratings and its failed attempts,
 * each weighing half as much every half-life. Fed by the stored ratings (loaded once at start, then each new one as it
 * is stored) and by the failover's attempts; read per request with no lock and no database. Thread-safe.
 */
public final class BanditStats implements RatingListener {

    /** How fast what was learned fades unless it is learned again. */
    public static final Duration DEFAULT_HALF_LIFE = Duration.ofDays(7);
    /** Ratings older than this many half-lives weigh under 0.1 % and are not loaded. */
    static final int LOADED_HALF_LIVES = 10;

    private final double decayPerMilli;
    private final LongSupplier millis;
    private final long loadedSinceMillis;
    private final Map<TargetKey, AtomicReference<Tally>> tallies = new ConcurrentHashMap<>();

    private BanditStats(Duration halfLife, LongSupplier millis, long loadedSinceMillis) {
        if (halfLife.isNegative() || halfLife.isZero()) {
            throw new IllegalArgumentException("The half-life must be positive: " + halfLife);
        }
        this.decayPerMilli = Math.log(2) / halfLife.toMillis();
        this.millis = millis;
        this.loadedSinceMillis = loadedSinceMillis;
    }

    /** Stats that know nothing yet, on the clock {@code millis} (epoch milliseconds). */
    public static BanditStats empty(Duration halfLife, LongSupplier millis) {
        return new BanditStats(halfLife, millis, Long.MIN_VALUE);
    }

    /** Stats that know every rating stored in the last {@link #LOADED_HALF_LIVES} half-lives. */
    public static BanditStats load(Database database, Duration halfLife, LongSupplier millis) {
        long since = millis.getAsLong() - LOADED_HALF_LIVES * halfLife.toMillis();
        BanditStats stats = new BanditStats(halfLife, millis, since);
        for (TargetRating rating : database.dao(TargetRatingDao.class).since(since)) {
            stats.add(rating.providerId(), rating.model(), kind(rating.rating()), 1, rating.updatedAtMillis());
        }
        return stats;
    }

    /** A stored rating counts for the target that served its generation; the one it replaced no longer does. */
    @Override
    public void rated(Feedback replaced, Feedback rating) {
        if (replaced != null && replaced.updatedAtMillis() >= loadedSinceMillis) {
            add(replaced.providerId(), replaced.model(), kind(replaced.rating()), -1, replaced.updatedAtMillis());
        }
        add(rating.providerId(), rating.model(), kind(rating.rating()), 1, rating.updatedAtMillis());
    }

    /** An attempt at the target failed in a way worth retrying elsewhere: a reward of 0. */
    public void failed(long providerId, String model) {
        add(providerId, model, Kind.FAILURE, 1, millis.getAsLong());
    }

    /** What is known of the target now. */
    public Evidence evidence(long providerId, String model) {
        AtomicReference<Tally> tally = tallies.get(new TargetKey(providerId, model));
        return tally == null ? Evidence.NONE : tally.get().at(millis.getAsLong(), decayPerMilli);
    }

    private void add(long providerId, String model, Kind kind, double weight, long atMillis) {
        long now = millis.getAsLong();
        tallies.computeIfAbsent(new TargetKey(providerId, model), key -> new AtomicReference<>(Tally.EMPTY))
                .updateAndGet(tally -> tally.plus(kind, weight, atMillis, now, decayPerMilli));
    }

    private static Kind kind(int rating) {
        return rating > 0 ? Kind.UP : Kind.DOWN;
    }

    private record TargetKey(long providerId, String model) {}
}
