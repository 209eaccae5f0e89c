package nexus.proxy.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

import nexus.shared.error.ApiError;

/**
 * Per-key request and token limits over a minute, in memory: token buckets of a minute's size that refill greedily
 * (see {@link KeyBuckets}). Before a key is first tracked, at most once a minute, the keys whose buckets are full
 * again are forgotten, so revoked and idle keys do not pile up. Thread-safe and lock-free on the request path.
 */
public final class RateLimits {

    private static final long SWEEP_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final TimeMeter meter;
    private final ConcurrentHashMap<Long, KeyBuckets> keys = new ConcurrentHashMap<>();
    private final AtomicLong lastSweepNanos;

    /** Limits on the system's monotonic clock. */
    public RateLimits() {
        this(TimeMeter.SYSTEM_NANOTIME);
    }

    /** Limits on the given clock (tests move it by hand). */
    public RateLimits(TimeMeter meter) {
        this.meter = meter;
        this.lastSweepNanos = new AtomicLong(meter.currentTimeNanos());
    }

    /**
     * Admits one request of an issued key under its limits now ({@code rpm}, {@code tpm}; null = none), taking one
     * request and its {@code estimatedTokens} prompt tokens (at least one) when it has a tpm. Limits changed since the
     * last call apply from this one, keeping what was used this minute.
     *
     * @throws ApiError 429 {@code rate_limit_exceeded} with {@code Retry-After} (whole seconds, rounded up) and the
     *                  same {@code x-ratelimit-*} headers an admission writes, when a limit is reached; without
     *                  {@code Retry-After} when the estimate alone is over the tpm, which no wait can cure
     * @throws IllegalArgumentException for a limit below 1
     */
    public RateAdmission admit(long keyId, Integer rpm, Integer tpm, long estimatedTokens) {
        int requestLimit = limit(rpm, "rpm");
        int tokenLimit = limit(tpm, "tpm");
        if (requestLimit == 0 && tokenLimit == 0) {
            return RateAdmission.UNLIMITED;
        }
        KeyBuckets buckets = bucketsOf(keyId, requestLimit, tokenLimit);
        long taken = tokenLimit == 0 ? 0 : Math.max(1, estimatedTokens);
        if (taken > tokenLimit && tokenLimit > 0) {
            throw refusal(buckets, "Request too large for tokens per minute (TPM) on this key: limit " + tokenLimit
                    + ", requested " + taken + ". Shorten the prompt, or ask for a higher tpm on the key.", 0);
        }
        ConsumptionProbe request = buckets.requests == null ? null : buckets.requests.tryConsumeAndReturnRemaining(1);
        if (request != null && !request.isConsumed()) {
            throw reached(buckets, "requests per minute (RPM)", requestLimit, request);
        }
        ConsumptionProbe token = buckets.tokens == null ? null : buckets.tokens.tryConsumeAndReturnRemaining(taken);
        if (token != null && !token.isConsumed()) {
            if (request != null) {
                buckets.requests.addTokens(1);  // refused requests do not count
            }
            throw reached(buckets, "tokens per minute (TPM)", tokenLimit, token);
        }
        return new RateAdmission(RateWindow.after(requestLimit, request), RateWindow.after(tokenLimit, token),
                buckets.tokens, taken);
    }

    /**
     * After the call: replaces the tokens taken at admission by the real count (prompt and completion), giving back
     * what was over or taking what was missing, even below zero: then the next requests wait until it refills.
     * Call once per admission.
     */
    public void settle(RateAdmission admission, long actualTokens) {
        if (admission.tokenBucket() == null) {
            return;
        }
        long difference = Math.max(0, actualTokens) - admission.takenTokens();
        if (difference > 0) {
            admission.tokenBucket().consumeIgnoringRateLimits(difference);
        } else if (difference < 0) {
            admission.tokenBucket().addTokens(-difference);
        }
    }

    /** How many keys have buckets now. */
    int trackedKeys() {
        return keys.size();
    }

    private KeyBuckets bucketsOf(long keyId, int requestLimit, int tokenLimit) {
        KeyBuckets buckets = keys.get(keyId);
        if (buckets != null && buckets.hasLimits(requestLimit, tokenLimit)) {
            return buckets;
        }
        if (buckets == null) {
            forgetFullIfDue();  // outside compute(), which may not change other keys
        }
        return keys.compute(keyId, (id, old) -> old == null ? KeyBuckets.fresh(requestLimit, tokenLimit, meter)
                : old.hasLimits(requestLimit, tokenLimit) ? old : old.changedTo(requestLimit, tokenLimit, meter));
    }

    /**
     * At most once a minute: forgets the keys whose buckets are full, as new ones would start. A request admitted at
     * that very moment from buckets being forgotten goes uncounted: one request, of a key that used none for a while.
     */
    private void forgetFullIfDue() {
        long now = meter.currentTimeNanos();
        long last = lastSweepNanos.get();
        if (now - last >= SWEEP_INTERVAL_NANOS && lastSweepNanos.compareAndSet(last, now)) {
            keys.values().removeIf(KeyBuckets::full);
        }
    }

    private static ApiError reached(KeyBuckets buckets, String what, int limit, ConsumptionProbe refused) {
        long waitNanos = refused.getNanosToWaitForRefill();
        return refusal(buckets, "Rate limit reached for " + what + " on this key: limit " + limit
                + ". Please try again in " + ResetDuration.format(waitNanos) + ".", waitNanos);
    }

    /** The 429, with the key's headers as they stand now; {@code Retry-After} unless {@code waitNanos} is 0. */
    private static ApiError refusal(KeyBuckets buckets, String message, long waitNanos) {
        RateAdmission now = new RateAdmission(RateWindow.of(buckets.rpm, buckets.requests),
                RateWindow.of(buckets.tpm, buckets.tokens), null, 0);
        ApiError error = ApiError.rateLimitExceeded(message).withHeaders(now.headers());
        return waitNanos > 0 ? error.retryAfter(retryAfterSeconds(waitNanos)) : error;
    }

    private static int retryAfterSeconds(long waitNanos) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, Math.ceilDiv(waitNanos, TimeUnit.SECONDS.toNanos(1))));
    }

    private static int limit(Integer value, String name) {
        if (value == null) {
            return 0;
        }
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, or null for no limit: " + value);
        }
        return value;
    }
}
