package nexus.proxy.routing.bandit;

import java.util.random.RandomGenerator;

/**
 * What the learning router knows of one target now, each count already decayed: thumbs up, thumbs down and failed
 * attempts. Its reward posterior is Beta(prior + up, prior + down + failures).
 */
public record Evidence(double up, double down, double failures) {

    /** The prior of every posterior, Beta(1, 1): a target nobody rated is as likely good as bad, so it is explored. */
    public static final double PRIOR = 1;

    /** Nothing known: the prior alone. */
    public static final Evidence NONE = new Evidence(0, 0, 0);

    public double alpha() {
        return PRIOR + up;
    }

    public double beta() {
        return PRIOR + down + failures;
    }

    /** The posterior mean: the expected share of good answers. */
    public double mean() {
        return alpha() / (alpha() + beta());
    }

    /** One draw from the posterior. */
    public double sample(RandomGenerator random) {
        return BetaSampler.beta(random, alpha(), beta());
    }
}
