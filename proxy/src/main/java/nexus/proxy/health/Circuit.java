package nexus.proxy.health;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import nexus.shared.db.Provider;

/**
 * The circuit breaker of one target (a provider and a model name), instance-wide or a route's own. Closed, it takes
 * every request; {@code failures} retryable failures within the window open it for a cooldown; after the cooldown
 * exactly one request is let through as the probe (half open): its success closes the circuit, its failure opens it
 * again for twice the cooldown (up to the maximum). A refused server key makes it misconfigured until its provider row
 * changes. The closed path is one volatile read; state changes take the circuit's monitor briefly. Thread-safe.
 */
public final class Circuit {

    /** A breaker's state, named as {@code upstream_health.state} stores it. */
    public enum State {
        CLOSED, OPEN, HALF_OPEN, MISCONFIGURED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final long REPORT_REUSE_NANOS = 1_000_000_000L;

    private final long providerId;
    private final String model;
    private final String route;
    private final HealthSettings settings;
    private final LongSupplier nanos;
    private final HealthWindow window = new HealthWindow();
    /** When the last failures happened, a ring of {@code settings.failures()}; guarded by this, as are the next. */
    private final long[] failureTimes;
    private int nextFailure;
    private int recordedFailures;
    private long openUntilNanos;
    private long openedAtNanos;
    private long cooldownNanos;
    private volatile State state = State.CLOSED;
    private volatile long lastFailureNanos = Long.MIN_VALUE;
    private volatile String lastError;
    private volatile Provider provider;
    private volatile boolean changed;
    /** The window's report as last read for a route's order, and when; redone after a second or a first outcome. */
    private volatile HealthWindow.Report lastReport;
    private volatile long lastReportNanos;

    /** @param route the route whose own circuit this is, or empty for the target's instance-wide one */
    Circuit(Provider provider, String model, String route, HealthSettings settings, LongSupplier nanos) {
        this.providerId = provider.id();
        this.model = model;
        this.route = route;
        this.provider = provider;
        this.settings = settings;
        this.nanos = nanos;
        this.failureTimes = new long[Math.max(1, settings.failures())];
        this.cooldownNanos = settings.cooldown().toNanos();
    }

    /**
     * True when a request may go to this target now. An open circuit whose cooldown ended answers true to exactly one
     * caller, whose request is the probe.
     */
    public boolean tryAcquire() {
        State now = state;
        if (now == State.CLOSED) {
            return true;
        }
        if (now != State.OPEN) {
            return false;
        }
        synchronized (this) {
            if (state == State.OPEN && nanos.getAsLong() - openUntilNanos >= 0) {
                setState(State.HALF_OPEN);
                return true;
            }
            return false;
        }
    }

    /** True while the circuit is open and its cooldown has not ended: no request may go to it yet. */
    public boolean coolingDown() {
        if (state != State.OPEN) {
            return false;
        }
        synchronized (this) {
            return state == State.OPEN && nanos.getAsLong() - openUntilNanos < 0;
        }
    }

    /** The target answered: recorded, and a circuit not closed (a probe, or a forced try) closes. */
    public void succeeded(long latencyMillis, long firstTokenMillis) {
        window.add(nanos.getAsLong(), latencyMillis, firstTokenMillis, false);
        forgetEmptyReport();
        changed = true;
        if (state != State.CLOSED) {
            synchronized (this) {
                cooldownNanos = settings.cooldown().toNanos();
                recordedFailures = 0;
                setState(State.CLOSED);
            }
        }
    }

    /**
     * The target failed in a way worth retrying elsewhere: counted toward opening, or re-opens a probed circuit (or an
     * open one tried anyway) for twice the cooldown. A request already under way when the circuit opened is part of
     * the outage that opened it: it does not re-open it.
     */
    public void failed(long latencyMillis, String error) {
        long now = noteFailure(latencyMillis, error);
        synchronized (this) {
            switch (state) {
                case OPEN -> {
                    if (now - TimeUnit.MILLISECONDS.toNanos(latencyMillis) - openedAtNanos >= 0) {
                        reopen(now);
                    }
                }
                case HALF_OPEN -> reopen(now);
                case CLOSED -> {
                    failureTimes[nextFailure] = now;
                    nextFailure = (nextFailure + 1) % failureTimes.length;
                    recordedFailures = Math.min(recordedFailures + 1, failureTimes.length);
                    // the slot written next holds the oldest of the last N failures
                    if (recordedFailures == failureTimes.length
                            && now - failureTimes[nextFailure] <= settings.window().toNanos()) {
                        open(now);
                    }
                }
                case MISCONFIGURED -> { }
            }
        }
    }

    /** The upstream refused the server key: skipped until its provider row changes. */
    public void misconfigured(long latencyMillis, String error) {
        noteFailure(latencyMillis, error);
        synchronized (this) {
            setState(State.MISCONFIGURED);
        }
    }

    /** Counts a failure in the health window and as the last error; answers when it happened. */
    private long noteFailure(long latencyMillis, String error) {
        long now = nanos.getAsLong();
        window.add(now, latencyMillis, -1, true);
        forgetEmptyReport();
        lastError = error;
        lastFailureNanos = now;
        changed = true;
        return now;
    }

    /** A probe ended without a verdict (its client left): the next request probes again. */
    public void released() {
        synchronized (this) {
            if (state == State.HALF_OPEN) {
                setState(State.OPEN);
            }
        }
    }

    /** Sees the provider row of a reloaded routing table: a changed row clears a misconfigured circuit. */
    void refresh(Provider now) {
        if (now.equals(provider)) {
            return;
        }
        provider = now;
        synchronized (this) {
            if (state == State.MISCONFIGURED) {
                setState(State.CLOSED);
            }
        }
    }

    private void reopen(long now) {
        cooldownNanos = Math.min(cooldownNanos * 2, settings.maxCooldown().toNanos());
        open(now);
    }

    private void open(long now) {
        openedAtNanos = now;
        openUntilNanos = now + cooldownNanos;
        recordedFailures = 0;
        setState(State.OPEN);
    }

    private void setState(State next) {
        state = next;
        changed = true;
    }

    public State state() {
        return state;
    }

    /** When it last failed ({@link System#nanoTime()} scale of its clock), or Long.MIN_VALUE if never. */
    public long lastFailureNanos() {
        return lastFailureNanos;
    }

    public long providerId() {
        return providerId;
    }

    public String model() {
        return model;
    }

    /** The route whose own circuit this is; empty for the target's instance-wide circuit. */
    public String route() {
        return route;
    }

    HealthSettings settings() {
        return settings;
    }

    /** The last failure's message, or null. */
    public String lastError() {
        return lastError;
    }

    /** Has the publisher write it at its next run, as if it had changed. */
    void publishAgain() {
        changed = true;
    }

    /** True once since each change; the publisher writes only the circuits that changed. */
    boolean takeChanged() {
        if (!changed) {
            return false;
        }
        changed = false;
        return true;
    }

    /**
     * The median over its window of its latency, or of its time to first token when {@code firstToken}; -1 when it
     * has no outcome in the window. Read at most once a second (sooner when the first outcome arrives), so ordering
     * a route by latency costs no sort per request.
     */
    public long medianMillis(boolean firstToken) {
        long now = nanos.getAsLong();
        HealthWindow.Report report = lastReport;
        if (report == null || now - lastReportNanos > REPORT_REUSE_NANOS) {
            report = report();
            lastReportNanos = now;
            lastReport = report;
        }
        if (report.requests() == 0) {
            return -1;
        }
        return firstToken && report.ttftP50Millis() > 0 ? report.ttftP50Millis() : report.p50Millis();
    }

    /** A report that saw no outcome is redone as soon as one arrives, so a new target's first result counts. */
    private void forgetEmptyReport() {
        HealthWindow.Report report = lastReport;
        if (report != null && report.requests() == 0) {
            lastReport = null;
        }
    }

    /** What it did over its window, now. */
    HealthWindow.Report report() {
        return window.report(nanos.getAsLong(), settings.window().toNanos());
    }
}
