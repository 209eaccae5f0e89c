package nexus.admin.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RatingMathTest {

    @Test
    void no_feedback_is_the_uniform_prior_with_its_exact_quantiles() {
        BetaPosterior prior = BetaPosterior.of(0, 0);

        assertThat(prior.mean()).isEqualTo(0.5);
        assertThat(prior.low()).isCloseTo(0.025, within(1e-9));
        assertThat(prior.high()).isCloseTo(0.975, within(1e-9));
    }

    @Test
    void quantiles_match_closed_forms() {
        // Beta(2, 1) has CDF x², Beta(1, 3) has CDF 1 − (1 − x)³.
        assertThat(BetaPosterior.of(1, 0).low()).isCloseTo(Math.sqrt(0.025), within(1e-9));
        assertThat(BetaPosterior.of(1, 0).high()).isCloseTo(Math.sqrt(0.975), within(1e-9));
        assertThat(BetaPosterior.of(0, 2).high()).isCloseTo(1 - Math.cbrt(0.025), within(1e-9));
        assertThat(BetaPosterior.of(0, 2).mean()).isEqualTo(0.25);
    }

    @Test
    void many_ratings_narrow_the_interval_around_the_observed_ratio() {
        // Beta(91, 11): scipy.stats.beta.ppf([0.025, 0.975], 91, 11) is 0.82544717 … 0.94436278.
        BetaPosterior liked = BetaPosterior.of(90, 10);

        assertThat(liked.mean()).isCloseTo(91.0 / 102, within(1e-12));
        assertThat(liked.low()).isCloseTo(0.82544717, within(1e-7));
        assertThat(liked.high()).isCloseTo(0.94436278, within(1e-7));
        assertThat(BetaPosterior.cdf(liked.mean(), 91, 11)).isBetween(0.45, 0.6);
    }

    @Test
    void a_liked_generation_wins_against_each_other_target_in_turn_starting_with_half_of_k() {
        Elo elo = new Elo(3);

        elo.rate(0, true);

        double second = 16 * (1 - 1 / (1 + Math.pow(10, -8.0 / 400)));  // 1008 against 1000
        assertThat(elo.rating(0)).isCloseTo(1008 + second, within(1e-9));
        assertThat(elo.rating(1)).isEqualTo(992);
        assertThat(elo.rating(2)).isCloseTo(1000 - second, within(1e-9));
        assertThat(elo.rating(0) + elo.rating(1) + elo.rating(2)).isCloseTo(3000, within(1e-9));
    }

    @Test
    void a_disliked_generation_loses_and_ratings_converge_to_the_preferred_target() {
        Elo elo = new Elo(2);
        elo.rate(1, false);
        assertThat(elo.rating(1)).isEqualTo(992);
        assertThat(elo.rating(0)).isEqualTo(1008);

        for (int i = 0; i < 200; i++) {
            elo.rate(0, i % 10 != 0);  // liked 90 % of the time
        }
        assertThat(elo.rating(0)).isGreaterThan(elo.rating(1) + 200);
    }
}
