package nexus.admin.routes;

import java.util.Arrays;

/**
 * ELO ratings of a route's targets, replayed from its rated generations: every rating is a match of the target that
 * served it against each other target in the route's order (won on 👍, lost on 👎), one after another. Every target
 * starts at {@value #START}, and a match moves both ratings by {@value #K} × (result − expected). Not thread-safe.
 */
final class Elo {

    static final double START = 1000;
    static final double K = 16;

    private final double[] ratings;

    Elo(int targets) {
        this.ratings = new double[targets];
        Arrays.fill(ratings, START);
    }

    /** Applies one rating of a generation the target at {@code served} answered. */
    void rate(int served, boolean liked) {
        for (int other = 0; other < ratings.length; other++) {
            if (other != served) {
                match(liked ? served : other, liked ? other : served);
            }
        }
    }

    double rating(int target) {
        return ratings[target];
    }

    private void match(int winner, int loser) {
        double expected = 1 / (1 + Math.pow(10, (ratings[loser] - ratings[winner]) / 400));
        double change = K * (1 - expected);
        ratings[winner] += change;
        ratings[loser] -= change;
    }
}
