package nexus.shared.db;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.sqlobject.config.KeyColumn;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.config.ValueColumn;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * SQL for balances: {@code topup} and the append-only {@code ledger_entry}. A key's balance is the sum of its entries.
 * Thread-safe when obtained from {@link Database#dao(Class)}.
 */
@RegisterConstructorMapper(Topup.class)
public interface LedgerDao {

    String TOPUP_COLUMNS = "id, key_id, idempotency_key, amount_nanos, note, created_at_millis";

    @SqlQuery("SELECT " + TOPUP_COLUMNS + " FROM topup WHERE key_id = :keyId AND idempotency_key = :idempotencyKey")
    Optional<Topup> findTopup(long keyId, String idempotencyKey);

    @SqlQuery("SELECT " + TOPUP_COLUMNS + " FROM topup WHERE key_id = :keyId ORDER BY id DESC")
    List<Topup> listTopups(long keyId);

    /** Each key's latest top-up. */
    @SqlQuery("SELECT " + TOPUP_COLUMNS + " FROM topup WHERE id IN (SELECT MAX(id) FROM topup GROUP BY key_id)")
    List<Topup> lastTopups();

    @SqlUpdate("INSERT INTO topup (key_id, idempotency_key, amount_nanos, note, created_at_millis)"
            + " VALUES (:keyId, :idempotencyKey, :amountNanos, :note, :createdAtMillis)")
    @GetGeneratedKeys("id")
    long insertTopup(long keyId, String idempotencyKey, long amountNanos, String note, long createdAtMillis);

    @SqlUpdate("INSERT INTO ledger_entry (key_id, kind, amount_nanos, topup_id, note, created_at_millis)"
            + " VALUES (:keyId, 'topup', :amountNanos, :topupId, :note, :createdAtMillis)")
    void insertTopupEntry(long keyId, long topupId, long amountNanos, String note, long createdAtMillis);

    @SqlQuery("SELECT COALESCE(SUM(amount_nanos), 0) FROM ledger_entry WHERE key_id = :keyId")
    long balance(long keyId);

    /** Per key, what top-ups and corrections added to its balance. */
    @SqlQuery("SELECT key_id, SUM(amount_nanos) AS amount FROM ledger_entry WHERE kind <> 'cost' GROUP BY key_id")
    @KeyColumn("key_id")
    @ValueColumn("amount")
    Map<Long, Long> credits();

    /** Per key, what costs took from its balance (a positive number). */
    @SqlQuery("SELECT key_id, -SUM(amount_nanos) AS amount FROM ledger_entry WHERE kind = 'cost' GROUP BY key_id")
    @KeyColumn("key_id")
    @ValueColumn("amount")
    Map<Long, Long> charges();
}
