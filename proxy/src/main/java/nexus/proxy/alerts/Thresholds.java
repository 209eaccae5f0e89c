package nexus.proxy.alerts;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Which alert thresholds one charge crossed: 50, 80 and 100 % of the monthly cap (every one crossed, lowest first, so
 * a jump from 40 % to 100 % sends all three), and a balance below 10 % of the last top-up. A threshold is crossed when
 * the key is past it after the charge and was not before it (a charge in a new month starts from no spend; a new
 * top-up starts a new balance alert). Exact integer arithmetic on nano-units. Stateless.
 */
final class Thresholds {

    static final int[] CAP_PERCENTS = {50, 80, 100};
    static final int BALANCE_PERCENT = 10;

    private Thresholds() {}

    /** The events crossed from {@code before} to {@code after}; an empty list (no allocation) for almost every charge. */
    static List<AlertEvent> crossed(SpendSnapshot before, SpendSnapshot after, Clock clock) {
        List<AlertEvent> events = List.of();
        Long cap = after.capNanos();
        if (cap != null && cap > 0) {
            long spentBefore = before.month().equals(after.month()) ? before.monthSpendNanos() : 0;
            for (int percent : CAP_PERCENTS) {
                boolean reachedBefore = before.capNanos() != null && before.capNanos() > 0
                        && spentBefore >= part(before.capNanos(), percent);
                if (!reachedBefore && after.monthSpendNanos() >= part(cap, percent)) {
                    events = add(events, new AlertEvent(AlertEvent.SPEND_CAP_THRESHOLD, percent, after, clock.instant()));
                }
            }
        }
        if (isBalanceLow(after)
                && !(isBalanceLow(before) && before.lastTopupId() == after.lastTopupId())) {
            events = add(events, new AlertEvent(AlertEvent.BALANCE_LOW, BALANCE_PERCENT, after, clock.instant()));
        }
        return events;
    }

    private static boolean isBalanceLow(SpendSnapshot snapshot) {
        Long topup = snapshot.lastTopupNanos();
        return snapshot.balanceNanos() != null && topup != null && topup > 0
                && snapshot.balanceNanos() < part(topup, BALANCE_PERCENT);
    }

    /**
     * The smallest whole number of nano-units at or above {@code percent} % of {@code whole} (≥ 0), without overflow:
     * an amount is at or above that share exactly when it is at least this, and below it exactly when it is less.
     */
    static long part(long whole, int percent) {
        return whole / 100 * percent + Math.ceilDiv(whole % 100 * percent, 100);
    }

    private static List<AlertEvent> add(List<AlertEvent> events, AlertEvent event) {
        List<AlertEvent> more = events.isEmpty() ? new ArrayList<>(4) : events;
        more.add(event);
        return more;
    }
}
