package nexus.proxy.health;

import java.time.Duration;

/**
 * When a target's breaker opens and for how long: after {@code failures} retryable failures within {@code window},
 * for {@code cooldown}, doubled on each re-open up to {@code maxCooldown}.
 */
public record HealthSettings(int failures, Duration window, Duration cooldown, Duration maxCooldown) {

    /** 5 failures within 60 s open a target for 30 s, doubling up to 10 min. */
    public static final HealthSettings DEFAULTS =
            new HealthSettings(5, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofMinutes(10));
}
