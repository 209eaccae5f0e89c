package nexus.proxy.health;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last outcomes of one target, kept lock-free in a ring for its report: when each ended, how long it took, its
 * time to first token, and whether it failed. Written on the request path (a few atomic stores), read by the
 * publisher; a slot read while it is rewritten may mix two outcomes, which a statistic can bear. Thread-safe.
 */
final class HealthWindow {

    private static final int SLOTS = 256;
    private static final int FIELDS = 3;
    private static final long NO_FIRST_TOKEN = -1;

    /** What a target did over the window: requests, share failed, latency percentiles, median time to first token. */
    record Report(int requests, double errorRate, long p50Millis, long p95Millis, long ttftP50Millis) {}

    private final AtomicLong next = new AtomicLong();
    /** Per slot: end time (nanos; 0 empty), latency millis with the sign bit set for a failure, first-token millis. */
    private final AtomicLongArray slots = new AtomicLongArray(SLOTS * FIELDS);

    void add(long atNanos, long latencyMillis, long firstTokenMillis, boolean failed) {
        int slot = (int) (next.getAndIncrement() % SLOTS) * FIELDS;
        slots.set(slot + 1, failed ? ~latencyMillis : latencyMillis);
        slots.set(slot + 2, firstTokenMillis < 0 ? NO_FIRST_TOKEN : firstTokenMillis);
        slots.set(slot, atNanos == 0 ? 1 : atNanos);
    }

    /** The outcomes that ended within {@code windowNanos} before {@code nowNanos}. */
    Report report(long nowNanos, long windowNanos) {
        long[] latencies = new long[SLOTS];
        long[] firstTokens = new long[SLOTS];
        int requests = 0;
        int failures = 0;
        int streamed = 0;
        for (int slot = 0; slot < SLOTS * FIELDS; slot += FIELDS) {
            long at = slots.get(slot);
            if (at == 0 || nowNanos - at > windowNanos) {
                continue;
            }
            long latency = slots.get(slot + 1);
            if (latency < 0) {
                failures++;
                latency = ~latency;
            }
            latencies[requests++] = latency;
            long firstToken = slots.get(slot + 2);
            if (firstToken >= 0) {
                firstTokens[streamed++] = firstToken;
            }
        }
        Arrays.sort(latencies, 0, requests);
        Arrays.sort(firstTokens, 0, streamed);
        return new Report(requests, requests == 0 ? 0 : (double) failures / requests,
                percentile(latencies, requests, 50), percentile(latencies, requests, 95),
                percentile(firstTokens, streamed, 50));
    }

    private static long percentile(long[] sorted, int count, int percent) {
        return count == 0 ? 0 : sorted[Math.min(count - 1, (count * percent + 99) / 100 - 1)];
    }
}
