package nexus.proxy.routing.bandit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.db.Database;
import nexus.shared.db.Feedback;
import nexus.shared.db.FeedbackDao;

/** What the learning router knows of a target: ratings and failures, decayed by the half-life of a moved clock. */
class BanditStatsTest {

    private static final Duration HALF_LIFE = Duration.ofDays(7);
    private static final long HALF = HALF_LIFE.toMillis();

    @TempDir
    Path dir;

    private long millis = 100 * HALF;

    @Test
    void at_start_the_ratings_of_the_last_ten_half_lives_are_loaded_each_weighing_by_its_age() {
        Database database = Database.open(dir.resolve("nexus.db"));
        FeedbackDao feedback = database.dao(FeedbackDao.class);
        feedback.upsert(rating("req_1", 1, millis - 11 * HALF));
        feedback.upsert(rating("req_2", 1, millis - HALF));
        feedback.upsert(rating("req_3", -1, millis));
        feedback.upsert(new Feedback("req_4", "key:1", 1, null, "[]", "fast", 2, "model-a", millis, millis));

        BanditStats stats = BanditStats.load(database, HALF_LIFE, () -> millis);

        Evidence evidence = stats.evidence(1, "model-a");
        assertThat(evidence.up()).isCloseTo(0.5, within(1e-9));
        assertThat(evidence.down()).isCloseTo(1, within(1e-9));
        assertThat(evidence.alpha()).isCloseTo(1.5, within(1e-9));
        assertThat(evidence.beta()).isCloseTo(2, within(1e-9));
        assertThat(stats.evidence(2, "model-a").up()).isCloseTo(1, within(1e-9));
        assertThat(stats.evidence(3, "model-a")).isEqualTo(Evidence.NONE);
    }

    @Test
    void a_replaced_rating_no_longer_counts_and_its_replacement_does() {
        BanditStats stats = BanditStats.empty(HALF_LIFE, () -> millis);
        Feedback first = rating("req_1", 1, millis);
        stats.rated(null, first);
        stats.rated(null, rating("req_2", 1, millis));
        millis += HALF;

        stats.rated(first, rating("req_1", -1, millis));

        Evidence evidence = stats.evidence(1, "model-a");
        assertThat(evidence.up()).isCloseTo(0.5, within(1e-9));
        assertThat(evidence.down()).isCloseTo(1, within(1e-9));
    }

    @Test
    void failures_count_as_a_reward_of_0_and_fade_like_ratings() {
        BanditStats stats = BanditStats.empty(HALF_LIFE, () -> millis);
        stats.failed(1, "model-a");
        stats.failed(1, "model-a");
        millis += 2 * HALF;
        stats.failed(1, "model-a");

        Evidence evidence = stats.evidence(1, "model-a");
        assertThat(evidence.failures()).isCloseTo(1.5, within(1e-9));
        assertThat(evidence.alpha()).isEqualTo(Evidence.PRIOR);
        assertThat(evidence.beta()).isCloseTo(Evidence.PRIOR + 1.5, within(1e-9));
        assertThat(stats.evidence(1, "model-b")).isEqualTo(Evidence.NONE);
    }

    @Test
    void a_half_life_that_is_not_positive_is_refused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BanditStats.empty(Duration.ZERO, () -> millis));
    }

    private static Feedback rating(String id, int rating, long atMillis) {
        return new Feedback(id, "key:1", rating, null, "[]", null, 1, "model-a", atMillis, atMillis);
    }
}
