package nexus.shared.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage rows are written once per request id, however often a batch is tried. */
class UsageInsertsTest {

    @TempDir
    Path dir;

    @Test
    void the_same_rows_inserted_twice_are_stored_once() {
        Database database = Database.open(dir.resolve("nexus.db"));

        database.insertUsage(List.of(row("req-1"), row("req-2")));
        database.insertUsage(List.of(row("req-2"), row("req-3")));

        assertThat(database.dao(UsageDao.class).listAll()).extracting(Usage::requestId)
                .containsExactly("req-1", "req-2", "req-3");
    }

    @Test
    void costs_billed_to_balances_are_one_ledger_entry_per_key_and_batch_and_a_batch_written_again_adds_none() {
        Database database = Database.open(dir.resolve("nexus.db"));
        ApiKeyDao keys = database.dao(ApiKeyDao.class);
        long alice = keys.insert(new ApiKey(0, "alice", "hash-a", "sk-nx-aaaa…", true, "", null, null, null, true,
                null, "", "", null, 1, 1));
        long bob = keys.insert(new ApiKey(0, "bob", "hash-b", "sk-nx-bbbb…", true, "", null, null, null, true,
                null, "", "", null, 1, 1));
        List<Usage> batch = List.of(billed("req-1", alice, 300), billed("req-2", bob, 50), billed("req-3", alice, 200),
                row("req-4"));

        database.insertUsage(batch);
        database.insertUsage(batch);

        LedgerDao ledger = database.dao(LedgerDao.class);
        assertThat(ledger.balance(alice)).isEqualTo(-500);
        assertThat(ledger.balance(bob)).isEqualTo(-50);
        assertThat(ledger.charges()).containsOnly(java.util.Map.entry(alice, 500L), java.util.Map.entry(bob, 50L));
        assertThat(database.dao(UsageDao.class).listAll()).extracting(Usage::billedToBalance)
                .containsExactly(true, true, true, false);
        try (Handle handle = database.openHandle()) {
            assertThat(handle.createQuery("SELECT request_id || ' ' || note FROM ledger_entry ORDER BY id")
                    .mapTo(String.class).list()).containsExactly("req-1 2 calls", "req-2 1 call");
        }
    }

    @Test
    void a_batch_that_could_not_begin_is_written_once_when_tried_again_on_the_same_connection() throws Exception {
        Database database = Database.open(dir.resolve("nexus.db"), Duration.ofMillis(100));
        try (Handle own = database.openHandle(); UsageInserts inserts = new UsageInserts(own.getConnection());
             Handle other = database.openHandle()) {
            other.execute("BEGIN IMMEDIATE");
            assertThatThrownBy(() -> inserts.insertAll(List.of(row("req-1")))).hasStackTraceContaining("SQLITE_BUSY");
            other.execute("COMMIT");

            inserts.insertAll(List.of(row("req-1")));
            inserts.insertAll(List.of(row("req-2")));
        }

        assertThat(database.dao(UsageDao.class).listAll()).extracting(Usage::requestId)
                .containsExactly("req-1", "req-2");
    }

    @Test
    void an_upgrade_keeps_the_first_of_usage_rows_stored_more_than_once() throws Exception {
        Path file = dir.resolve("old.db");
        try (Handle handle = Jdbi.create("jdbc:sqlite:" + file).open()) {
            for (String script : List.of("V001__init.sql", "V002__types_proxies_units.sql", "V003__video_tasks.sql")) {
                for (String statement : Migrations.statements(read(script))) {
                    handle.execute(statement);
                }
            }
            handle.execute("PRAGMA user_version = 3");
            for (String requestId : List.of("req-1", "req-2", "req-1", "req-1", "req-3", "req-2")) {
                handle.execute("INSERT INTO usage (request_id, api_key, provider_id, provider_name, model,"
                        + " conversation_id, endpoint, stream, prompt_tokens, completion_tokens, total_tokens,"
                        + " usage_source, status, latency_millis, created_at_millis)"
                        + " VALUES (?, 'k', 1, 'p', 'm', 'c', 'chat.completions', 0, 1, 1, 2, 'reported', 200, 1, 1)",
                        requestId);
            }
        }

        Database upgraded = Database.open(file);
        upgraded.insertUsage(List.of(row("req-3"), row("req-4")));

        List<Usage> rows = upgraded.dao(UsageDao.class).listAll();
        assertThat(rows).extracting(Usage::requestId).containsExactly("req-1", "req-2", "req-3", "req-4");
        assertThat(rows).extracting(Usage::id).startsWith(1L, 2L, 5L);
    }

    private static String read(String script) throws IOException {
        try (InputStream in = Migrations.class.getResourceAsStream("/nexus/shared/db/migration/" + script)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Usage billed(String requestId, long keyId, long costNanos) {
        return new Usage(0, requestId, ApiKey.owner(keyId), 1, "OpenAI", "gpt-4", "conv-1", "chat.completions", false,
                3, 4, 7, UsageSource.REPORTED, 200, false, null, 12, null, 1_700_000_000_000L, 0, 0, 0, keyId,
                costNanos, true);
    }

    private static Usage row(String requestId) {
        return new Usage(0, requestId, "key-1", 1, "OpenAI", "gpt-4", "conv-1", "chat.completions", false, 3, 4, 7,
                UsageSource.REPORTED, 200, false, null, 12, null, 1_700_000_000_000L, 0, 0, 0, null, 0, false);
    }
}
