package nexus.proxy.billing;

import java.time.YearMonth;

import nexus.proxy.alerts.SpendAlerts;
import nexus.proxy.alerts.SpendSnapshot;
import nexus.shared.db.ApiKey;
import nexus.shared.db.Topup;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;
import nexus.shared.money.Money;

/**
 * One issued key's money as the proxy holds it: what the ledger credited (top-ups, corrections), what costs took
 * from the balance, what running requests have reserved, and this month's spend. The proxy is the only writer of
 * costs for its database, so this is authoritative; the admin's credits are re-read on each configuration change.
 * Every check and change is one short critical section, so concurrent admissions never overspend. Thread-safe.
 */
final class Account {

    private final long keyId;
    private final SpendAlerts alerts;
    private ApiKey key;
    private Topup lastTopup;
    private boolean metered;
    private Long capNanos;
    private long credits;
    private long charged;
    private long reserved;
    private YearMonth month;
    private long monthSpend;

    long keyId() {
        return keyId;
    }

    Account(long keyId, long charged, YearMonth month, long monthSpend, SpendAlerts alerts) {
        this.keyId = keyId;
        this.alerts = alerts;
        this.charged = charged;
        this.month = month;
        this.monthSpend = monthSpend;
    }

    /** Takes the admin's settings and the ledger's credits as they are now committed. */
    synchronized void configure(ApiKey key, long credits, Topup lastTopup) {
        this.key = key;
        this.lastTopup = lastTopup;
        this.metered = key.metered();
        this.capNanos = key.monthlySpendCapNanos();
        this.credits = credits;
    }

    /**
     * Reserves a request's worst-case cost: 402 when the balance less what is reserved cannot cover it, or when this
     * month's spend and reservations would pass the cap. Returns the balance before the call (null when unmetered).
     */
    synchronized Long reserve(long worstNanos, YearMonth now) {
        roll(now);
        Long balance = metered ? credits - charged : null;
        if (metered && worstNanos > 0 && balance - reserved < worstNanos) {
            throw ApiError.of(ErrorCode.INSUFFICIENT_BALANCE, null, "The balance of this key ("
                    + Money.format(balance - reserved) + " available) cannot cover this request (up to "
                    + Money.format(worstNanos) + "); top it up or ask for fewer tokens.");
        }
        if (capNanos != null && worstNanos > 0 && monthSpend + reserved + worstNanos > capNanos) {
            throw ApiError.of(ErrorCode.SPEND_CAP_EXCEEDED, null, "This key's monthly spend cap of "
                    + Money.format(capNanos) + " is reached (spent " + Money.format(monthSpend) + ", reserved "
                    + Money.format(reserved) + ", this request up to " + Money.format(worstNanos)
                    + "); it resets on " + now.plusMonths(1).atDay(1) + "T00:00:00Z.");
        }
        reserved += worstNanos;
        return balance;
    }

    /** Replaces a reservation by the real cost; answers the charge with the balance it left. */
    synchronized Charge settle(long reservedNanos, long costNanos, YearMonth now, boolean priced, String currency) {
        roll(now);
        SpendSnapshot before = watched() ? snapshot() : null;
        reserved -= reservedNanos;
        monthSpend += costNanos;
        if (metered) {
            charged += costNanos;
        }
        if (before != null) {
            alerts.charged(before, snapshot());  // only queues: never waits for the database or the network
        }
        return new Charge(costNanos, metered ? credits - charged : null, metered, priced || metered, currency);
    }

    /** Balance, reservations, this month's spend and cap, as one consistent reading. */
    synchronized Standing standing(YearMonth now) {
        roll(now);
        return new Standing(keyId, metered ? credits - charged : null, reserved, monthSpend, capNanos);
    }

    /** A key's money at one moment, for {@code GET /v1/balance}. */
    record Standing(long keyId, Long balanceNanos, long reservedNanos, long monthSpendNanos, Long capNanos) {}

    /** True when the key has an alert webhook, so its charges are watched for thresholds. */
    private boolean watched() {
        return !key.alertWebhookUrl().isEmpty() && (capNanos != null || metered);
    }

    private SpendSnapshot snapshot() {
        return new SpendSnapshot(keyId, key.name(), key.alertWebhookUrl(), key.alertWebhookSecret(), capNanos,
                monthSpend, month, metered ? credits - charged : null,
                lastTopup == null ? null : lastTopup.amountNanos(), lastTopup == null ? 0 : lastTopup.id());
    }

    private void roll(YearMonth now) {
        if (!now.equals(month)) {
            month = now;
            monthSpend = 0;
        }
    }
}
