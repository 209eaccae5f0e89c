package nexus.proxy.routing.bandit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Beta draws average to the distribution's mean and spread as its variance, for shapes above and below 1. */
class BetaSamplerTest {

    private static final int DRAWS = 40_000;

    @Test
    void draws_have_the_mean_and_variance_of_the_beta_distribution() {
        assertMoments(3, 7);
        assertMoments(91, 11);
        assertMoments(1, 1);
        assertMoments(0.5, 0.25);
    }

    private static void assertMoments(double alpha, double beta) {
        Random random = new Random(3);
        double sum = 0;
        double squares = 0;
        for (int draw = 0; draw < DRAWS; draw++) {
            double x = BetaSampler.beta(random, alpha, beta);
            assertThat(x).isBetween(0.0, 1.0);
            sum += x;
            squares += x * x;
        }
        double mean = sum / DRAWS;
        double total = alpha + beta;
        double variance = alpha * beta / (total * total * (total + 1));
        assertThat(mean).as("mean of Beta(%s, %s)", alpha, beta).isCloseTo(alpha / total, within(0.01));
        assertThat(squares / DRAWS - mean * mean).as("variance of Beta(%s, %s)", alpha, beta)
                .isCloseTo(variance, within(variance * 0.1));
    }
}
