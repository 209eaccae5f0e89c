package nexus.proxy.routing.bandit;

import java.util.random.RandomGenerator;

/** Draws from Beta and Gamma distributions on a given random source (Marsaglia and Tsang's method for Gamma). */
final class BetaSampler {

    private BetaSampler() {}

    /** A draw from Beta(alpha, beta), both above 0: X / (X + Y) with X ~ Gamma(alpha) and Y ~ Gamma(beta). */
    static double beta(RandomGenerator random, double alpha, double beta) {
        double x = gamma(random, alpha);
        double y = gamma(random, beta);
        double sum = x + y;
        return sum > 0 ? x / sum : alpha / (alpha + beta);  // both drew 0 only for tiny shapes
    }

    /** A draw from Gamma(shape, 1), shape above 0. */
    static double gamma(RandomGenerator random, double shape) {
        if (shape < 1) {
            // Gamma(a) = Gamma(a + 1) * U^(1/a): the method below needs a shape of at least 1
            return gamma(random, shape + 1) * Math.pow(random.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = random.nextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = random.nextDouble();
            double squared = x * x;
            if (u < 1 - 0.0331 * squared * squared
                    || Math.log(u) < 0.5 * squared + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
