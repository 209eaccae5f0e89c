package nexus.proxy.alerts;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How long to wait after each failed attempt before the next one; after the last, the delivery is given up as
 * {@code failed}. The default doubles from 30 seconds: 8 attempts over 63½ minutes.
 */
public record RetrySchedule(List<Duration> delays) {

    public static final RetrySchedule DEFAULT = new RetrySchedule(List.of(Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4), Duration.ofMinutes(8),
            Duration.ofMinutes(16), Duration.ofMinutes(32)));

    public RetrySchedule {
        delays = List.copyOf(delays);
    }

    /** The wait before the next attempt once {@code attemptsMade} attempts failed; empty when that was the last. */
    Optional<Duration> after(int attemptsMade) {
        return attemptsMade <= delays.size() ? Optional.of(delays.get(attemptsMade - 1)) : Optional.empty();
    }
}
