package nexus.admin.routes;

/**
 * The Beta(1 + up, 1 + down) posterior of a target's chance of a 👍 (a uniform prior): its mean and its 95 %
 * equal-tailed interval. The quantiles are exact, not a normal approximation: the regularized incomplete beta function
 * (a continued fraction) inverted by bisection to 1e-12. Immutable.
 */
record BetaPosterior(double mean, double low, double high) {

    private static final double[] LANCZOS = {76.18009172947146, -86.50532032941677, 24.01409824083091,
            -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5};

    static BetaPosterior of(long up, long down) {
        double a = 1 + up;
        double b = 1 + down;
        return new BetaPosterior(a / (a + b), quantile(0.025, a, b), quantile(0.975, a, b));
    }

    /** The x with I_x(a, b) = p. */
    static double quantile(double p, double a, double b) {
        double low = 0;
        double high = 1;
        while (high - low > 1e-12) {
            double middle = (low + high) / 2;
            if (cdf(middle, a, b) < p) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return (low + high) / 2;
    }

    /** The regularized incomplete beta function I_x(a, b). */
    static double cdf(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        return x < (a + 1) / (a + b + 2) ? front * continuedFraction(x, a, b) / a
                : 1 - front * continuedFraction(1 - x, b, a) / b;
    }

    /** Lentz's evaluation of the continued fraction for I_x(a, b). */
    private static double continuedFraction(double x, double a, double b) {
        double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double result = d;
        for (int m = 1; m <= 1_000; m++) {
            int m2 = 2 * m;
            for (double term : new double[] {m * (b - m) * x / ((a + m2 - 1) * (a + m2)),
                    -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))}) {
                d = 1 + term * d;
                d = 1 / (Math.abs(d) < tiny ? tiny : d);
                c = 1 + term / c;
                c = Math.abs(c) < tiny ? tiny : c;
                result *= d * c;
            }
            if (Math.abs(d * c - 1) < 1e-15) {
                break;
            }
        }
        return result;
    }

    /** ln Γ(x) for x > 0 (Lanczos), to about 1e-10. */
    private static double logGamma(double x) {
        double base = x + 5.5;
        base -= (x + 0.5) * Math.log(base);
        double series = 1.000000000190015;
        double y = x;
        for (double coefficient : LANCZOS) {
            series += coefficient / ++y;
        }
        return -base + Math.log(2.5066282746310005 * series / x);
    }
}
