package nexus.proxy.alerts;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.shared.db.AlertDelivery;
import nexus.shared.db.AlertDeliveryDao;
import nexus.shared.db.ApiKey;
import nexus.shared.db.ApiKeyDao;
import nexus.shared.db.Database;
import nexus.shared.json.Json;

/**
 * The outbox of alert webhooks: stores each event once (the table's unique indexes drop a repeat) and delivers the
 * rows that are due, each under a lease so that a process that stops mid-attempt leaves it for the next start.
 * Each attempt reads the webhook URL and secret from the key, so a corrected URL or a new secret applies to pending
 * retries, and no second copy of the secret is kept; a key revoked or without a URL ends its pending deliveries as
 * failed. Logs name the key and row ids only. Used by one thread at a time.
 */
final class AlertOutbox {

    private static final Logger log = LoggerFactory.getLogger(AlertOutbox.class);
    /** How long a claimed row waits before another attempt when this one is never recorded: beyond any attempt. */
    static final Duration LEASE = WebhookSender.TIMEOUT.multipliedBy(6);
    private static final int BATCH = 20;

    private final AlertDeliveryDao deliveries;
    private final ApiKeyDao keys;
    private final WebhookSender sender;
    private final Clock clock;
    private final RetrySchedule schedule;
    private final String currency;
    private final ObjectMapper mapper = Json.newMapper();
    private final SecureRandom random = new SecureRandom();

    AlertOutbox(Database database, WebhookSender sender, Clock clock, RetrySchedule schedule, String currency) {
        this.deliveries = database.dao(AlertDeliveryDao.class);
        this.keys = database.dao(ApiKeyDao.class);
        this.sender = sender;
        this.clock = clock;
        this.schedule = schedule;
        this.currency = currency;
    }

    void store(AlertEvent event) {
        SpendSnapshot money = event.snapshot();
        boolean stored = deliveries.insertOnce(newWebhookId(), money.keyId(), event.event(), event.thresholdPercent(),
                money.month().toString(), event.topupId(), AlertBody.of(event, currency).toJson(mapper),
                clock.millis());
        if (stored) {
            log.info("Alert {} at {}% queued for key {}", event.event(), event.thresholdPercent(), money.keyId());
        }
    }

    /** Attempts every delivery due now, until {@code stopping} says to stop; then when the next one is due, if any. */
    Optional<Long> deliverDue(BooleanSupplier stopping) {
        List<AlertDelivery> due = deliveries.listDue(clock.millis(), BATCH);
        while (!due.isEmpty() && !stopping.getAsBoolean()) {
            for (AlertDelivery delivery : due) {
                if (stopping.getAsBoolean()) {
                    break;
                }
                if (deliveries.claim(delivery.id(), delivery.nextAttemptAtMillis(), clock.millis() + LEASE.toMillis())) {
                    attempt(delivery);
                }
            }
            due = deliveries.listDue(clock.millis(), BATCH);
        }
        return deliveries.nextDue();
    }

    private void attempt(AlertDelivery delivery) {
        Optional<ApiKey> key = keys.findActive(delivery.keyId());
        String url = key.map(ApiKey::alertWebhookUrl).orElse("");
        if (key.isEmpty()) {
            record(delivery, new WebhookSender.Outcome(null, "the key was revoked"), false);
        } else if (url == null || url.isEmpty()) {
            record(delivery, new WebhookSender.Outcome(null, "the key has no alert webhook"), false);
        } else {
            record(delivery, sender.send(delivery, url, key.get().alertWebhookSecret()), true);
        }
    }

    private void record(AlertDelivery delivery, WebhookSender.Outcome outcome, boolean mayRetry) {
        int attempts = delivery.attempts() + 1;
        if (outcome.delivered()) {
            deliveries.delivered(delivery.id(), outcome.statusCode(), clock.millis());
            log.info("Alert delivery {} for key {} delivered (attempt {})", delivery.id(), delivery.keyId(), attempts);
            return;
        }
        Optional<Duration> wait = mayRetry ? schedule.after(attempts) : Optional.empty();
        if (wait.isPresent()) {
            deliveries.retryLater(delivery.id(), outcome.statusCode(), outcome.error(),
                    clock.millis() + wait.get().toMillis());
            log.warn("Alert delivery {} for key {} failed (attempt {}): {}; retrying in {} s", delivery.id(),
                    delivery.keyId(), attempts, outcome.error(), wait.get().toSeconds());
        } else {
            deliveries.failed(delivery.id(), outcome.statusCode(), outcome.error());
            log.warn("Alert delivery {} for key {} given up after {} attempts: {}", delivery.id(), delivery.keyId(),
                    attempts, outcome.error());
        }
    }

    /** A message id in the Standard Webhooks style, unique beyond this database (a receiver may dedupe on it). */
    private String newWebhookId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return "msg_" + HexFormat.of().formatHex(bytes);
    }
}
