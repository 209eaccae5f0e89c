package nexus.admin.provider;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Formats stored epoch milliseconds for the wire. Stateless. */
public final class Timestamps {

    private Timestamps() {}

    /** ISO-8601 UTC to the second, such as {@code 2026-11-21T22:43:17Z}. */
    public static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
