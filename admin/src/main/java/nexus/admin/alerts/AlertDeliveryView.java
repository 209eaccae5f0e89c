package nexus.admin.alerts;

import java.math.BigDecimal;

import nexus.admin.provider.Timestamps;
import nexus.shared.db.AlertDelivery;

/**
 * One alert webhook delivery on the wire: {@code webhook_id} is the {@code webhook-id} header the receiver saw,
 * {@code threshold} the fraction in the event (0.5, 0.8, 1 of the cap; 0.1 of the last top-up), times ISO-8601 UTC or
 * null (not delivered / no attempt left), {@code last_status_code} null when no answer came.
 */
public record AlertDeliveryView(long id, String webhookId, String event, BigDecimal threshold, String month,
                                String status, int attempts, Integer lastStatusCode, String lastError, String createdAt,
                                String deliveredAt, String nextAttemptAt) {

    static AlertDeliveryView of(AlertDelivery row) {
        return new AlertDeliveryView(row.id(), row.webhookId(), row.event(),
                BigDecimal.valueOf(row.thresholdPercent(), 2).stripTrailingZeros(), row.month(), row.status(),
                row.attempts(), row.lastStatusCode(), row.lastError(), Timestamps.iso(row.createdAtMillis()),
                iso(row.deliveredAtMillis()), iso(row.nextAttemptAtMillis()));
    }

    private static String iso(Long millis) {
        return millis == null ? null : Timestamps.iso(millis);
    }
}
