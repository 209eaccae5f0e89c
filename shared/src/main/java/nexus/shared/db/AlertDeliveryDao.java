package nexus.shared.db;

import java.util.List;
import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * SQL for {@code alert_delivery}, the outbox of alert webhooks. Every outcome of an attempt counts it and records its
 * HTTP status (null when no answer came) and error. Thread-safe when obtained from {@link Database#dao(Class)}.
 */
@RegisterConstructorMapper(AlertDelivery.class)
public interface AlertDeliveryDao {

    String COLUMNS = "id, webhook_id, key_id, event, threshold_percent, month, topup_id, body, status, attempts,"
            + " last_status_code, last_error, created_at_millis, next_attempt_at_millis, delivered_at_millis";

    /** Queues an event, due at once; false when this key already has it (same threshold and month, or top-up). */
    @SqlUpdate("INSERT INTO alert_delivery (webhook_id, key_id, event, threshold_percent, month, topup_id, body,"
            + " created_at_millis, next_attempt_at_millis) VALUES (:webhookId, :keyId, :event, :thresholdPercent,"
            + " :month, :topupId, :body, :createdAtMillis, :createdAtMillis) ON CONFLICT DO NOTHING")
    boolean insertOnce(String webhookId, long keyId, String event, int thresholdPercent, String month, long topupId,
                       String body, long createdAtMillis);

    /** A key's deliveries, newest first. */
    @SqlQuery("SELECT " + COLUMNS + " FROM alert_delivery WHERE key_id = :keyId ORDER BY id DESC")
    List<AlertDelivery> listByKey(long keyId);

    /** Pending deliveries due at {@code now}, the longest waiting first. */
    @SqlQuery("SELECT " + COLUMNS + " FROM alert_delivery WHERE status = 'pending' AND next_attempt_at_millis <= :now"
            + " ORDER BY next_attempt_at_millis, id LIMIT :limit")
    List<AlertDelivery> listDue(long now, int limit);

    /** When the next pending delivery is due, if any is pending. */
    @SqlQuery("SELECT next_attempt_at_millis FROM alert_delivery WHERE status = 'pending'"
            + " ORDER BY next_attempt_at_millis LIMIT 1")
    Optional<Long> nextDue();

    /**
     * Takes a due delivery for one attempt by moving its due time to {@code leaseUntil}, when it leaves off again
     * should the attempt never be recorded (the process stopped); false when another sender took it first.
     */
    @SqlUpdate("UPDATE alert_delivery SET next_attempt_at_millis = :leaseUntil WHERE id = :id AND status = 'pending'"
            + " AND next_attempt_at_millis = :dueAt")
    boolean claim(long id, long dueAt, long leaseUntil);

    @SqlUpdate("UPDATE alert_delivery SET status = 'delivered', attempts = attempts + 1, last_status_code = :statusCode,"
            + " last_error = NULL, delivered_at_millis = :now, next_attempt_at_millis = NULL WHERE id = :id")
    void delivered(long id, int statusCode, long now);

    @SqlUpdate("UPDATE alert_delivery SET attempts = attempts + 1, last_status_code = :statusCode,"
            + " last_error = :error, next_attempt_at_millis = :nextAttemptAt WHERE id = :id")
    void retryLater(long id, Integer statusCode, String error, long nextAttemptAt);

    @SqlUpdate("UPDATE alert_delivery SET status = 'failed', attempts = attempts + 1, last_status_code = :statusCode,"
            + " last_error = :error, next_attempt_at_millis = NULL WHERE id = :id")
    void failed(long id, Integer statusCode, String error);
}
