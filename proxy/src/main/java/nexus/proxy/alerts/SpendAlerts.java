package nexus.proxy.alerts;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.shared.db.Database;
import nexus.shared.error.ApiError;

/**
 * Alert webhooks for keys' spend caps and balances. {@link #charged} runs on the request path and only compares two
 * snapshots; the rare charge that crosses a threshold hands its events to one background thread, which writes them to
 * the outbox and delivers what is due, signed, with retries ({@link RetrySchedule}). The thread also picks up, at
 * start, what an earlier run left pending. Thread-safe.
 */
public final class SpendAlerts implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpendAlerts.class);
    /** The longest the thread sleeps between looks at the outbox (a safety net: it is woken for every new event). */
    private static final long MAX_WAIT_MILLIS = 60_000;
    private static final long PAUSE_AFTER_FAILURE_MILLIS = 1_000;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);
    private static final AlertEvent STOP = new AlertEvent("", 0, null, null);

    private final AlertOutbox outbox;
    private final Clock clock;
    private final BlockingQueue<AlertEvent> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean closed;

    public SpendAlerts(Database database, OkHttpClient http, Clock clock, String currency) {
        this(database, http, clock, currency, RetrySchedule.DEFAULT);
    }

    public SpendAlerts(Database database, OkHttpClient http, Clock clock, String currency, RetrySchedule schedule) {
        this.outbox = new AlertOutbox(database, new WebhookSender(http, clock), clock, schedule, currency);
        this.clock = clock;
        this.worker = Thread.ofPlatform().name("alert-webhooks").daemon(true)
                .start(database.keepingConnection(this::run));
    }

    /**
     * Called on the request path after each charge: never blocks on the database or the network; hands the crossed
     * thresholds to the background thread. Nothing is queued for a key without a webhook URL.
     */
    public void charged(SpendSnapshot before, SpendSnapshot after) {
        if (after.webhookUrl() == null || after.webhookUrl().isEmpty()) {
            return;
        }
        List<AlertEvent> events = Thresholds.crossed(before, after, clock);
        if (!events.isEmpty() && !closed) {
            queue.addAll(events);
        }
    }

    private void run() {
        List<AlertEvent> unstored = new ArrayList<>();
        long waitMillis = 0;
        try {
            while (!closed) {
                AlertEvent first = queue.poll(waitMillis, TimeUnit.MILLISECONDS);
                if (first != null) {
                    unstored.add(first);
                }
                queue.drainTo(unstored);
                unstored.remove(STOP);
                waitMillis = pass(unstored);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.drainTo(unstored);
        unstored.remove(STOP);
        try {
            store(unstored);  // what arrived before close stays in the outbox for the next start
        } catch (RuntimeException e) {
            log.error("{} alert events could not be stored before shutdown and are lost ({})", unstored.size(),
                    e.getClass().getSimpleName());
        }
    }

    /** Stores what arrived, delivers what is due; answers how long to wait before the next pass. */
    private long pass(List<AlertEvent> unstored) {
        try {
            store(unstored);
            Optional<Long> nextDue = outbox.deliverDue(() -> closed);
            long wait = nextDue.map(due -> due - clock.millis()).orElse(MAX_WAIT_MILLIS);
            return Math.clamp(wait, 0, MAX_WAIT_MILLIS);
        } catch (RuntimeException e) {
            log.warn("Alert webhooks: a pass over the outbox failed ({}); trying again", e.getClass().getSimpleName());
            return PAUSE_AFTER_FAILURE_MILLIS;
        }
    }

    /**
     * Stores the events in order, removing each once stored. One that meets a busy database stays for the next pass;
     * one the database refuses (it would be refused again) is dropped.
     */
    private void store(List<AlertEvent> events) {
        while (!events.isEmpty()) {
            AlertEvent event = events.getFirst();
            try {
                outbox.store(event);
            } catch (ApiError busy) {
                throw busy;
            } catch (RuntimeException e) {
                log.error("Alert {} for key {} could not be stored and is dropped ({})", event.event(),
                        event.snapshot().keyId(), e.getClass().getSimpleName());
            }
            events.removeFirst();
        }
    }

    /** Stops the thread; events not yet delivered stay in the outbox for the next start. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        try {
            worker.join(CLOSE_WAIT.toMillis());
            if (worker.isAlive()) {  // an attempt in flight: interrupting it leaves its row leased for the next start
                worker.interrupt();
                worker.join(CLOSE_WAIT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
