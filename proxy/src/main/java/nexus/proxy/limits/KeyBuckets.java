package nexus.proxy.limits;

import java.time.Duration;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;

/**
 * The buckets of one issued key for the limits it had when they were made: one for requests (rpm), one for tokens
 * (tpm), each absent when its limit is. A bucket holds a minute's worth and refills greedily, a little at every
 * instant, so over any stretch of time the key gets its limit per minute and never a window edge that lets every
 * waiting client in at once. Thread-safe: Bucket4j's local buckets are lock-free.
 */
final class KeyBuckets {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    /** The limits these buckets were made for; 0 for none. */
    final int rpm;
    final int tpm;
    /** Null when there is no such limit. */
    final Bucket requests;
    final Bucket tokens;

    private KeyBuckets(int rpm, int tpm, Bucket requests, Bucket tokens) {
        this.rpm = rpm;
        this.tpm = tpm;
        this.requests = requests;
        this.tokens = tokens;
    }

    /** Buckets for {@code rpm} and {@code tpm} (0 = none), full. */
    static KeyBuckets fresh(int rpm, int tpm, TimeMeter meter) {
        return new KeyBuckets(rpm, tpm, bucket(rpm, meter), bucket(tpm, meter));
    }

    /**
     * Buckets for changed limits that keep what was already used this minute: a bucket whose limit stays set is
     * reconfigured in place (raising a limit adds the difference, lowering it caps what is left), one whose limit
     * appears starts full, one whose limit goes away is dropped.
     */
    KeyBuckets changedTo(int newRpm, int newTpm, TimeMeter meter) {
        return new KeyBuckets(newRpm, newTpm, reconfigured(requests, newRpm, meter), reconfigured(tokens, newTpm, meter));
    }

    boolean hasLimits(int rpmNow, int tpmNow) {
        return rpm == rpmNow && tpm == tpmNow;
    }

    /** True when forgetting these buckets changes nothing: they are full, as new ones would be. */
    boolean full() {
        return isFull(requests, rpm) && isFull(tokens, tpm);
    }

    private static boolean isFull(Bucket bucket, int limit) {
        return bucket == null || bucket.getAvailableTokens() >= limit;
    }

    private static Bucket reconfigured(Bucket bucket, int limit, TimeMeter meter) {
        if (limit == 0) {
            return null;
        }
        if (bucket == null) {
            return bucket(limit, meter);
        }
        bucket.replaceConfiguration(configuration(limit), TokensInheritanceStrategy.ADDITIVE);
        return bucket;
    }

    private static Bucket bucket(int limit, TimeMeter meter) {
        if (limit == 0) {
            return null;
        }
        return Bucket.builder().addLimit(perMinute(limit)).withCustomTimePrecision(meter).build();
    }

    private static BucketConfiguration configuration(int limit) {
        return BucketConfiguration.builder().addLimit(perMinute(limit)).build();
    }

    private static Bandwidth perMinute(int limit) {
        return Bandwidth.builder().capacity(limit).refillGreedy(limit, MINUTE).build();
    }
}
