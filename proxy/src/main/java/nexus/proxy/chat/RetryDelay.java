package nexus.proxy.chat;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.random.RandomGenerator;

import nexus.shared.error.ApiError;

/**
 * How long to wait before trying the same target again: what its failed answer asked for ({@code retry-after-ms},
 * else {@code Retry-After} in seconds or as an HTTP date), else an exponential backoff of 100 ms doubled per retry
 * with ±20 % jitter; never more than 10 s. Thread-safe.
 */
final class RetryDelay {

    static final long MAX_MILLIS = 10_000;
    private static final long BASE_MILLIS = 100;

    private final RandomGenerator random;

    RetryDelay(RandomGenerator random) {
        this.random = random;
    }

    /** The wait in milliseconds before retry number {@code retry} (0 for the first) after {@code failure}. */
    long millis(ApiError failure, int retry) {
        long asked = asked(failure.headers());
        if (asked >= 0) {
            return Math.min(asked, MAX_MILLIS);
        }
        double backoff = BASE_MILLIS * Math.pow(2, Math.min(retry, 16)) * (0.8 + 0.4 * random.nextDouble());
        return Math.min((long) backoff, MAX_MILLIS);
    }

    /** What the upstream asked for, in milliseconds, or -1 when it asked nothing readable. */
    static long asked(Map<String, String> headers) {
        String millis = header(headers, "retry-after-ms");
        String after = header(headers, "retry-after");
        try {
            if (millis != null) {
                return Math.max(0, (long) Double.parseDouble(millis.strip()));
            }
            if (after != null) {
                return Math.max(0, (long) (Double.parseDouble(after.strip()) * 1000));
            }
        } catch (NumberFormatException notNumber) {
            try {
                Instant at = ZonedDateTime.parse(after.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Math.max(0, at.toEpochMilli() - System.currentTimeMillis());
            } catch (DateTimeParseException | NullPointerException notDate) {
                return -1;
            }
        }
        return -1;
    }

    private static String header(Map<String, String> headers, String name) {
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }
}
