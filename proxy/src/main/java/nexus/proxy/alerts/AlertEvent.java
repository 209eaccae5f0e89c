package nexus.proxy.alerts;

import java.time.Instant;

/**
 * One threshold a charge crossed: {@code event} is {@link #SPEND_CAP_THRESHOLD} (the month's spend reached
 * {@code thresholdPercent} of the cap) or {@link #BALANCE_LOW} (the balance fell below {@code thresholdPercent} of the
 * last top-up); {@code snapshot} is the key's money just after the charge.
 */
record AlertEvent(String event, int thresholdPercent, SpendSnapshot snapshot, Instant occurredAt) {

    static final String SPEND_CAP_THRESHOLD = "spend_cap_threshold";
    static final String BALANCE_LOW = "balance_low";

    /** The top-up a balance event is about, so it is sent once per top-up; 0 for a cap event. */
    long topupId() {
        return event.equals(BALANCE_LOW) ? snapshot.lastTopupId() : 0;
    }
}
