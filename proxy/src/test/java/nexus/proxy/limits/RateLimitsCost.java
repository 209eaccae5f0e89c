package nexus.proxy.limits;

/**
 * Measures what one admission costs on this machine (not a test: run by hand, see main). The limits are large enough
 * that nothing is refused: the common case of the request path.
 */
public final class RateLimitsCost {

    private static final int ROUNDS = 5;
    private static final int ADMISSIONS = 5_000_000;

    private RateLimitsCost() {}

    /** {@code java -cp proxy/target/test-classes:proxy/target/classes:$(cat proxy/target/test-classpath.txt) nexus.proxy.limits.RateLimitsCost} */
    public static void main(String[] args) {
        RateLimits limits = new RateLimits();
        long sink = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            for (int index = 0; index < ADMISSIONS; index++) {
                RateAdmission admission = limits.admit(index & 7, 1_000_000_000, 1_000_000_000, 10);
                limits.settle(admission, (index & 1) == 0 ? 5 : 15);  // gives back, then takes more
                sink += admission.takenTokens();
            }
            long withTokens = System.nanoTime() - start;
            start = System.nanoTime();
            for (int index = 0; index < ADMISSIONS; index++) {
                sink += limits.admit(8 + (index & 7), 1_000_000_000, null, 10).takenTokens();
            }
            long requestsOnly = System.nanoTime() - start;
            start = System.nanoTime();
            for (int index = 0; index < ADMISSIONS; index++) {
                sink += limits.admit(16 + (index & 7), null, null, 10).takenTokens();
            }
            long unlimited = System.nanoTime() - start;
            start = System.nanoTime();
            for (int index = 0; index < ADMISSIONS; index++) {
                sink += System.nanoTime();  // Bucket4j reads the clock once per bucket operation
            }
            long clockRead = System.nanoTime() - start;
            System.out.printf("round %d: rpm+tpm admit+settle %.0f ns, rpm only admit %.0f ns, no limits %.1f ns"
                    + " (one System.nanoTime() %.0f ns)%n", round, (double) withTokens / ADMISSIONS,
                    (double) requestsOnly / ADMISSIONS, (double) unlimited / ADMISSIONS,
                    (double) clockRead / ADMISSIONS);
        }
        System.out.println("(" + sink + ")");
    }
}
