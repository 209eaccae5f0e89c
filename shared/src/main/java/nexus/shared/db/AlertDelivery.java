package nexus.shared.db;

/**
 * One row of {@code alert_delivery}: an alert webhook event in the outbox and how its delivery went. {@code status} is
 * {@code pending}, {@code delivered} or {@code failed}; {@code month} is the calendar month (UTC, {@code 2026-12}) the
 * event belongs to; {@code topupId} is the top-up a {@code balance_low} event is about (0 for a cap event);
 * {@code body} is the JSON sent on every attempt. Holds no secret.
 */
public record AlertDelivery(long id, String webhookId, long keyId, String event, int thresholdPercent, String month,
                            long topupId, String body, String status, int attempts, Integer lastStatusCode,
                            String lastError, long createdAtMillis, Long nextAttemptAtMillis,
                            Long deliveredAtMillis) {

    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
}
