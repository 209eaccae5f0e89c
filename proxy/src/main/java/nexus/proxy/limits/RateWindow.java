package nexus.proxy.limits;

import java.util.function.BiConsumer;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.VerboseResult;

/**
 * Where one limit of a key stands: its size per minute, what is left of it, and how long until it is whole again.
 * Written as OpenAI's trio {@code x-ratelimit-limit-<name>}, {@code x-ratelimit-remaining-<name>},
 * {@code x-ratelimit-reset-<name>}. {@code limit} 0 means no such limit, and no headers.
 */
record RateWindow(int limit, long remaining, long resetNanos) {

    static final RateWindow NONE = new RateWindow(0, 0, 0);

    /** Right after an admission took from the bucket. */
    static RateWindow after(int limit, ConsumptionProbe taken) {
        return taken == null ? NONE : new RateWindow(limit, taken.getRemainingTokens(), taken.getNanosToWaitForReset());
    }

    /** The bucket as it is now (on a refusal, after anything taken was given back). */
    static RateWindow of(int limit, Bucket bucket) {
        if (bucket == null) {
            return NONE;
        }
        VerboseResult.Diagnostics now = bucket.asVerbose().getAvailableTokens().getDiagnostics();
        return new RateWindow(limit, now.getAvailableTokens(), now.calculateFullRefillingTime());
    }

    /** The names of one limit's three headers. */
    record Names(String limit, String remaining, String reset) {

        static final Names REQUESTS = of("requests");
        static final Names TOKENS = of("tokens");

        private static Names of(String unit) {
            return new Names("x-ratelimit-limit-" + unit, "x-ratelimit-remaining-" + unit, "x-ratelimit-reset-" + unit);
        }
    }

    /** The three headers of this limit; none without a limit. Never a negative count. */
    void writeHeaders(Names names, BiConsumer<String, String> header) {
        if (limit == 0) {
            return;
        }
        header.accept(names.limit(), Integer.toString(limit));
        header.accept(names.remaining(), Long.toString(Math.max(0, remaining)));
        header.accept(names.reset(), ResetDuration.format(resetNanos));
    }
}
