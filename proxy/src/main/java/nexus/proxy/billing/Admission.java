package nexus.proxy.billing;

import java.time.Clock;

import nexus.proxy.AnswerHeaders;
import nexus.proxy.limits.RateAdmission;
import nexus.proxy.limits.RateLimits;
import nexus.proxy.routing.Target;
import nexus.proxy.usage.TokenUsage;
import nexus.shared.money.Money;

/**
 * The money side of one admitted call: what it reserved of its key's account (nothing for a personalized key), and,
 * once it ended, what it cost and the status its usage row recorded. The first {@link #settle} fixes the charge; later
 * ones answer the same, so the stream that shows the cost and the usage row that records it agree. Thread-safe.
 */
public final class Admission {

    private final Account account;
    private final long reservedNanos;
    private final Long balanceBeforeNanos;
    private final Clock clock;
    private final String currency;
    private final RateLimits rateLimits;
    private final RateAdmission rate;
    private Charge charge;
    private volatile int endedStatus;
    private volatile String endedErrorCode;

    Admission(Account account, long reservedNanos, Long balanceBeforeNanos, Clock clock, String currency,
              RateLimits rateLimits, RateAdmission rate) {
        this.rateLimits = rateLimits;
        this.rate = rate;
        this.account = account;
        this.reservedNanos = reservedNanos;
        this.balanceBeforeNanos = balanceBeforeNanos;
        this.clock = clock;
        this.currency = currency;
    }

    /** A call made with a personalized key: priced, never limited. */
    static Admission unlimited(Clock clock, String currency) {
        return new Admission(null, 0, null, clock, currency, null, null);
    }

    /** The charge the call was settled with, or {@link Charge#NONE} before it ended. */
    public synchronized Charge charge() {
        return charge == null ? Charge.NONE : charge;
    }

    /**
     * Notes how the call ended, as its usage row records it: so the failover learns of an answer that broke off, or
     * whose client left, after the client got its first byte (the attempt itself returned normally).
     */
    public void ended(int status, String errorCode) {
        endedErrorCode = errorCode;
        endedStatus = status;
    }

    /** The status of the call's usage row, or 0 before one was recorded. */
    public int endedStatus() {
        return endedStatus;
    }

    /** The error code of the call's usage row, or null when it has none. */
    public String endedErrorCode() {
        return endedErrorCode;
    }

    /** The key's balance before the call, or null when it has none: the {@code X-Nexus-Balance} header. */
    public Long balanceBeforeNanos() {
        return balanceBeforeNanos;
    }

    /**
     * Gives the reservation back when the call ended without being settled (refused before any upstream call, or
     * failed in a way that recorded nothing); after a settle it changes nothing.
     */
    public synchronized void release() {
        if (charge == null) {
            charge(0, false);
        }
    }

    /**
     * Serves the admitted call: writes its headers, runs it, and gives back what it reserved and did not settle
     * however it ends.
     */
    public void serve(AnswerHeaders headers, Runnable call) {
        writeHeaders(headers);
        try {
            call.run();
        } finally {
            release();
        }
    }

    /** Adds {@code X-Nexus-Balance} when the key has a balance, and the {@code x-ratelimit-*} of its limits. */
    public void writeHeaders(AnswerHeaders headers) {
        if (balanceBeforeNanos != null) {
            headers.add(Charge.BALANCE_HEADER, Money.format(balanceBeforeNanos));
        }
        if (rate != null) {
            rate.writeHeaders(headers::add);
        }
    }

    /** The issued key's id, or null for a personalized key. */
    public Long keyId() {
        return account == null ? null : account.keyId();
    }

    /**
     * Ends the call: its cost from the tokens it used (when {@code billable}; a failed call the upstream reported no
     * usage for costs nothing) replaces the reservation. Idempotent.
     */
    public synchronized Charge settle(Target target, TokenUsage used, long images, long videoSeconds,
                                      boolean billable) {
        if (charge == null) {
            if (rate != null) {
                rateLimits.settle(rate, used.totalTokens());
            }
            CostFormula cost = target.cost();
            charge(billable ? cost.costNanos(used.promptTokens(), used.completionTokens(), used.cacheReadTokens(),
                    used.cacheCreationTokens(), images, videoSeconds) : 0, cost.priced());
        }
        return charge;
    }

    private void charge(long costNanos, boolean priced) {
        charge = account == null ? new Charge(costNanos, null, false, priced, currency)
                : account.settle(reservedNanos, costNanos, Accounts.month(clock), priced, currency);
    }
}
