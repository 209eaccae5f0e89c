package nexus.proxy.routing.bandit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import nexus.proxy.billing.CostFormula;
import nexus.proxy.health.Circuit;
import nexus.proxy.health.HealthSettings;
import nexus.proxy.health.TargetHealth;
import nexus.proxy.routing.Candidates;
import nexus.proxy.routing.Target;
import nexus.shared.db.Feedback;
import nexus.shared.db.ModelPrices;
import nexus.shared.db.ModelType;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.ResponsesMode;

/** The learning router's orders, on clocks the test moves and a seeded random source; no waiting. */
class BanditOrderTest {

    private static final int REQUESTS = 500;
    private static final long HALF_LIFE_MILLIS = BanditStats.DEFAULT_HALF_LIFE.toMillis();

    private long millis = 1_000_000;
    private long nanos = 1_000;
    private final BanditStats stats = BanditStats.empty(BanditStats.DEFAULT_HALF_LIFE, () -> millis);
    private final TargetHealth health = new TargetHealth(HealthSettings.DEFAULTS, () -> nanos);
    private final BanditOrder bandit = new BanditOrder(stats, new Random(16));
    private final Target a = target(1, "model-a");
    private final Target b = target(2, "model-b");
    private final Target c = target(3, "model-c");
    private int ratings;

    @Test
    void a_target_liked_90_percent_goes_first_in_most_of_the_next_500_requests() {
        rate(a, 90, 10);
        rate(b, 10, 90);

        int[] first = firstPlaces(candidates(a, b));

        assertThat(first[0]).isGreaterThan(REQUESTS * 85 / 100);
    }

    @Test
    void once_the_liked_target_fails_its_circuit_opens_and_the_other_one_takes_the_traffic() {
        rate(a, 90, 10);
        rate(b, 10, 90);
        Candidates candidates = candidates(a, b);

        for (int failure = 0; failure < HealthSettings.DEFAULTS.failures(); failure++) {
            fail(candidates, 0);
        }

        assertThat(firstPlaces(candidates)[1]).isEqualTo(REQUESTS);
    }

    @Test
    void a_target_that_keeps_failing_loses_traffic_even_while_its_circuit_is_closed() {
        rate(a, 90, 10);
        rate(b, 10, 90);
        for (int failure = 0; failure < 2_000; failure++) {
            stats.failed(1, "model-a");
        }

        assertThat(firstPlaces(candidates(a, b))[1]).isGreaterThan(REQUESTS * 85 / 100);
    }

    @Test
    void ratings_fade_with_the_half_life_so_a_target_that_got_worse_loses_traffic() {
        rate(a, 90, 10);
        millis += 5 * HALF_LIFE_MILLIS;
        rate(a, 5, 25);
        rate(b, 10, 10);

        assertThat(firstPlaces(candidates(a, b))[1]).isGreaterThan(REQUESTS * 85 / 100);
    }

    @Test
    void the_same_ratings_given_at_once_keep_the_target_first() {
        rate(a, 90, 10);
        rate(a, 5, 25);
        rate(b, 10, 10);

        assertThat(firstPlaces(candidates(a, b))[0]).isGreaterThan(REQUESTS * 85 / 100);
    }

    @Test
    void a_new_target_nobody_rated_is_still_explored() {
        rate(a, 90, 10);
        rate(b, 10, 90);

        int[] first = firstPlaces(candidates(a, b, c));

        assertThat(first[2]).isGreaterThan(REQUESTS * 5 / 100).isLessThan(first[0]);
    }

    @Test
    void targets_no_request_may_go_to_come_last_the_least_recently_failed_first() {
        rate(a, 90, 10);
        Candidates candidates = candidates(a, b, c);
        for (int failure = 0; failure < HealthSettings.DEFAULTS.failures(); failure++) {
            fail(candidates, 0);
        }
        nanos += 1_000;
        candidates.circuits().get(1).misconfigured(5, "HTTP 401");

        for (int request = 0; request < REQUESTS; request++) {
            assertThat(bandit.order(candidates, false)).containsExactly(2, 0, 1);
        }
    }

    @Test
    void an_open_circuit_whose_cooldown_ended_is_drawn_again_so_its_probe_comes() {
        rate(a, 90, 10);
        rate(b, 10, 90);
        Candidates candidates = candidates(a, b);
        for (int failure = 0; failure < HealthSettings.DEFAULTS.failures(); failure++) {
            fail(candidates, 0);
        }
        assertThat(firstPlaces(candidates)[0]).isZero();

        nanos += TimeUnit.NANOSECONDS.convert(HealthSettings.DEFAULTS.cooldown());

        assertThat(candidates.circuits().get(0).state()).isEqualTo(Circuit.State.OPEN);
        assertThat(firstPlaces(candidates)[0]).isGreaterThan(REQUESTS * 85 / 100);
        assertThat(candidates.circuits().get(0).tryAcquire()).isTrue();
        assertThat(firstPlaces(candidates)[0]).isZero();  // half open: its one probe is under way
    }

    @Test
    void the_same_seed_gives_the_same_orders() {
        rate(a, 6, 4);
        rate(b, 5, 5);
        Candidates candidates = candidates(a, b, c);
        BanditOrder one = new BanditOrder(stats, new Random(7));
        BanditOrder other = new BanditOrder(stats, new Random(7));
        List<int[]> orders = new ArrayList<>();

        for (int request = 0; request < REQUESTS; request++) {
            int[] order = one.order(candidates, true);
            orders.add(order);
            assertThat(other.order(candidates, true)).containsExactly(order);
        }
        assertThat(orders).extracting(order -> order[0]).contains(0, 1, 2);
    }

    @Test
    void a_name_one_target_serves_is_ordered_without_a_draw() {
        assertThat(bandit.order(new Candidates(List.of(a), List.of()), false)).containsExactly(0);
    }

    /** How often each target came first in {@link #REQUESTS} orders. */
    private int[] firstPlaces(Candidates candidates) {
        int[] first = new int[candidates.targets().size()];
        for (int request = 0; request < REQUESTS; request++) {
            int[] order = bandit.order(candidates, false);
            assertThat(order).hasSize(first.length).doesNotHaveDuplicates();
            first[order[0]]++;
        }
        return first;
    }

    /** Records a retryable failure of the candidate where the failover tells it: its circuit and the stats. */
    private void fail(Candidates candidates, int index) {
        candidates.circuits().get(index).failed(10, "HTTP 503");
        Target target = candidates.targets().get(index);
        stats.failed(target.provider().id(), target.model());
    }

    private void rate(Target target, int up, int down) {
        for (int rating = 0; rating < up + down; rating++) {
            stats.rated(null, new Feedback("req_" + ratings++, "key:1", rating < up ? 1 : -1, null, "[]", null,
                    target.provider().id(), target.model(), millis, millis));
        }
    }

    private Candidates candidates(Target... targets) {
        return new Candidates(List.of(targets), List.of(targets).stream()
                .map(target -> health.circuit(target.provider(), target.model())).toList());
    }

    private static Target target(long providerId, String model) {
        Provider provider = new Provider(providerId, "Provider " + providerId, ProviderKind.OPENAI,
                "http://127.0.0.1:1/v1", "server-key", "", "", true, 1L, "", ResponsesMode.values()[0], "");
        return new Target(provider, model, ModelType.CHAT, ModelPrices.NONE, CostFormula.of(ModelPrices.NONE), 100);
    }
}
