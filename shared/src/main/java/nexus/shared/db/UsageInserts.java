package nexus.shared.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inserts usage rows (and the ledger entries of the costs taken from balances) in one transaction per batch, with plain JDBC on a connection the caller holds. This is the
 * proxy's one write per request: binding through JDBI's SQL objects cost more CPU than SQLite's own work. A row whose
 * request id is already stored is skipped, so a batch tried again after a failure adds each row once. Not
 * thread-safe: one per connection, used by one thread.
 */
public final class UsageInserts implements AutoCloseable {

    private static final String INSERT = "INSERT INTO usage (request_id, api_key, provider_id, provider_name, model,"
            + " conversation_id, endpoint, stream, prompt_tokens, completion_tokens, total_tokens, usage_source, status,"
            + " truncated, error_code, latency_millis, first_token_millis, created_at_millis, cache_read_tokens,"
            + " cache_creation_tokens, images, key_id, cost_nanos, billed, attempt, route,"
            + " past_open_circuit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (request_id) DO NOTHING";
    private static final String CHARGE = "INSERT INTO ledger_entry (key_id, kind, amount_nanos, request_id, note,"
            + " created_at_millis) VALUES (?, 'cost', ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING";

    private final Connection connection;
    private final PreparedStatement insert;
    private final PreparedStatement charge;

    public UsageInserts(Connection connection) throws SQLException {
        this.connection = connection;
        this.insert = connection.prepareStatement(INSERT);
        this.charge = connection.prepareStatement(CHARGE);
    }

    /**
     * Inserts the rows not stored yet and, per key, one ledger entry for the costs of its rows billed to a balance,
     * named after its first row (so a batch written again adds it once), all or none.
     */
    public void insertAll(List<Usage> rows) throws SQLException {
        Transactions.immediate(connection, () -> {
            Map<Long, Charged> charges = new LinkedHashMap<>();
            try {
                for (Usage row : rows) {
                    bind(row);
                    insert.addBatch();
                    if (row.billedToBalance() && row.costNanos() != 0) {
                        charges.computeIfAbsent(row.keyId(), key -> new Charged(row)).add(row.costNanos());
                    }
                }
                insert.executeBatch();
                for (Map.Entry<Long, Charged> charged : charges.entrySet()) {
                    Charged batch = charged.getValue();
                    charge.setLong(1, charged.getKey());
                    charge.setLong(2, -batch.nanos);
                    charge.setString(3, batch.first.requestId());
                    charge.setString(4, batch.calls == 1 ? "1 call" : batch.calls + " calls");
                    charge.setLong(5, batch.first.createdAtMillis());
                    charge.addBatch();
                }
                return charges.isEmpty() ? null : charge.executeBatch();
            } finally {
                insert.clearBatch();
                charge.clearBatch();
            }
        });
    }

    /** The costs of one key's rows in a batch. */
    private static final class Charged {
        private final Usage first;
        private long nanos;
        private int calls;

        Charged(Usage first) {
            this.first = first;
        }

        void add(long costNanos) {
            nanos += costNanos;
            calls++;
        }
    }

    private void bind(Usage row) throws SQLException {
        insert.setString(1, row.requestId());
        insert.setString(2, row.apiKey());
        insert.setLong(3, row.providerId());
        insert.setString(4, row.providerName());
        insert.setString(5, row.model());
        insert.setString(6, row.conversationId());
        insert.setString(7, row.endpoint());
        insert.setBoolean(8, row.stream());
        insert.setLong(9, row.promptTokens());
        insert.setLong(10, row.completionTokens());
        insert.setLong(11, row.totalTokens());
        insert.setString(12, row.usageSource().wireName());
        insert.setInt(13, row.status());
        insert.setBoolean(14, row.truncated());
        insert.setString(15, row.errorCode());
        insert.setLong(16, row.latencyMillis());
        if (row.firstTokenMillis() == null) {
            insert.setNull(17, Types.INTEGER);
        } else {
            insert.setLong(17, row.firstTokenMillis());
        }
        insert.setLong(18, row.createdAtMillis());
        insert.setLong(19, row.cacheReadTokens());
        insert.setLong(20, row.cacheCreationTokens());
        insert.setLong(21, row.images());
        if (row.keyId() == null) {
            insert.setNull(22, Types.INTEGER);
        } else {
            insert.setLong(22, row.keyId());
        }
        insert.setLong(23, row.costNanos());
        insert.setBoolean(24, row.billedToBalance());
        insert.setInt(25, row.attempt());
        insert.setString(26, row.route());
        insert.setBoolean(27, row.pastOpenCircuit());
    }

    @Override
    public void close() throws SQLException {
        try (charge) {
            insert.close();
        }
    }
}
