package nexus.shared.db;

import java.util.List;
import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code api_key}. Thread-safe when obtained from {@link Database#dao(Class)}. */
@RegisterConstructorMapper(ApiKey.class)
public interface ApiKeyDao {

    String COLUMNS = "id, name, key_hash, key_prefix, enabled, models, rpm, tpm, expires_at_millis, metered,"
            + " monthly_spend_cap_nanos, alert_webhook_url, alert_webhook_secret, revoked_at_millis, created_at_millis,"
            + " updated_at_millis, region_policy";

    /** Keys not revoked, oldest first. */
    @SqlQuery("SELECT " + COLUMNS + " FROM api_key WHERE revoked_at_millis IS NULL ORDER BY id")
    List<ApiKey> listActive();

    @SqlQuery("SELECT " + COLUMNS + " FROM api_key WHERE id = :id AND revoked_at_millis IS NULL")
    Optional<ApiKey> findActive(long id);

    @SqlUpdate("INSERT INTO api_key (name, key_hash, key_prefix, enabled, models, rpm, tpm, expires_at_millis,"
            + " metered, monthly_spend_cap_nanos, alert_webhook_url, alert_webhook_secret, created_at_millis,"
            + " updated_at_millis, region_policy) VALUES (:name, :keyHash, :keyPrefix, :enabled, :models, :rpm, :tpm,"
            + " :expiresAtMillis, :metered, :monthlySpendCapNanos, :alertWebhookUrl, :alertWebhookSecret,"
            + " :createdAtMillis, :updatedAtMillis, :regionPolicy)")
    @GetGeneratedKeys("id")
    long insert(@BindMethods ApiKey key);

    /** Writes every column but the id and creation time; false when the key is unknown or revoked. */
    @SqlUpdate("UPDATE api_key SET name = :name, key_hash = :keyHash, key_prefix = :keyPrefix, enabled = :enabled,"
            + " models = :models, rpm = :rpm, tpm = :tpm, expires_at_millis = :expiresAtMillis, metered = :metered,"
            + " monthly_spend_cap_nanos = :monthlySpendCapNanos, alert_webhook_url = :alertWebhookUrl,"
            + " alert_webhook_secret = :alertWebhookSecret, updated_at_millis = :updatedAtMillis,"
            + " region_policy = :regionPolicy"
            + " WHERE id = :id AND revoked_at_millis IS NULL")
    boolean update(@BindMethods ApiKey key);

    /** Revokes a key for good; false when it is unknown or already revoked. */
    @SqlUpdate("UPDATE api_key SET revoked_at_millis = :now, updated_at_millis = :now"
            + " WHERE id = :id AND revoked_at_millis IS NULL")
    boolean revoke(long id, long now);
}
