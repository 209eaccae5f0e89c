package nexus.shared.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

    @TempDir
    Path dir;

    private static NewProvider provider(String key) {
        return new NewProvider("OpenAI", ProviderKind.OPENAI, "https://api.openai.com/v1", "sk-secret-123456", key,
                "desc", true, 1_000L, "");
    }

    @Test
    void a_provider_round_trips_with_its_kind_stored_lower_case() {
        Database database = Database.open(dir.resolve("nexus.db"));
        long id = database.dao(ProviderDao.class).insert(provider("key-1"));

        Optional<Provider> read = database.dao(ProviderDao.class).findById(id);
        assertThat(read).get().returns(ProviderKind.OPENAI, Provider::kind).returns("key-1", Provider::personalizedKey);
        try (Handle handle = database.openHandle()) {
            assertThat(handle.createQuery("SELECT kind FROM provider").mapTo(String.class).one()).isEqualTo("openai");
        }
    }

    @Test
    void deleting_a_provider_removes_its_models() {
        Database database = Database.open(dir.resolve("nexus.db"));
        long providerId = database.dao(ProviderDao.class).insert(provider("key-1"));
        database.dao(ProviderModelDao.class).insert(new NewProviderModel(providerId, "gpt-4", "GPT-4", true, 1L, ModelType.CHAT, ModelPrices.NONE, ProviderModel.DEFAULT_MAX_OUTPUT_TOKENS));

        assertThat(database.dao(ProviderDao.class).deleteById(providerId)).isTrue();
        assertThat(database.dao(ProviderModelDao.class).listByProvider(providerId)).isEmpty();
        assertThat(database.dao(ProviderDao.class).deleteById(providerId)).isFalse();
    }

    @Test
    void a_database_of_the_first_schema_is_upgraded_keeping_its_rows_with_the_new_defaults() throws Exception {
        Path file = dir.resolve("old.db");
        Jdbi old = Jdbi.create("jdbc:sqlite:" + file);
        try (Handle handle = old.open(); var in = Migrations.class.getResourceAsStream(
                "/nexus/shared/db/migration/V001__init.sql")) {
            for (String statement : Migrations.statements(new String(in.readAllBytes(), StandardCharsets.UTF_8))) {
                handle.execute(statement);
            }
            handle.execute("PRAGMA user_version = 1");
            handle.execute("INSERT INTO provider (name, server_url, personalized_key, created_at_millis)"
                    + " VALUES ('Old', 'https://api.openai.com/v1', 'k1', 1)");
            handle.execute("INSERT INTO provider_model (provider_id, model_name, created_at_millis) VALUES (1, 'gpt-4', 1)");
        }

        Database upgraded = Database.open(file);

        assertThat(upgraded.dao(ProviderDao.class).listAll()).singleElement().returns("", Provider::httpProxy);
        assertThat(upgraded.dao(ProviderModelDao.class).listByProvider(1)).singleElement()
                .returns(ModelType.CHAT, ProviderModel::type);
    }

    @Test
    void opening_the_same_file_twice_migrates_once_and_keeps_the_data() {
        Path file = dir.resolve("nexus.db");
        Database.open(file).dao(ProviderDao.class).insert(provider("key-1"));

        Database again = Database.open(file);

        assertThat(again.dao(ProviderDao.class).listAll()).hasSize(1);
        try (Handle handle = again.openHandle()) {
            assertThat(handle.createQuery("PRAGMA user_version").mapTo(Integer.class).one()).isEqualTo(12);
            assertThat(handle.createQuery("PRAGMA journal_mode").mapTo(String.class).one()).isEqualTo("wal");
        }
    }

    @Test
    void every_change_to_providers_or_models_bumps_the_config_version() throws SQLException {
        Database database = Database.open(dir.resolve("nexus.db"));
        try (Handle handle = database.openHandle(); ChangeCounters counters = new ChangeCounters(handle.getConnection())) {
            long before = counters.configVersion();

            long providerId = database.dao(ProviderDao.class).insert(provider("key-1"));
            long modelId = database.dao(ProviderModelDao.class).insert(new NewProviderModel(providerId, "m", "", true, 1L, ModelType.CHAT, ModelPrices.NONE, ProviderModel.DEFAULT_MAX_OUTPUT_TOKENS));
            database.dao(ProviderModelDao.class).deleteById(modelId);

            assertThat(counters.configVersion()).isEqualTo(before + 3);
        }
    }

    @Test
    void the_data_version_moves_when_another_connection_commits_and_not_for_its_own_commits() throws SQLException {
        Database database = Database.open(dir.resolve("nexus.db"));
        try (Handle own = database.openHandle(); ChangeCounters counters = new ChangeCounters(own.getConnection())) {
            long before = counters.dataVersion();
            own.execute("UPDATE config_version SET version = version + 1");
            assertThat(counters.dataVersion()).isEqualTo(before);

            database.dao(ProviderDao.class).insert(provider("key-1"));

            assertThat(counters.dataVersion()).isNotEqualTo(before);
        }
    }

    @Test
    void a_usage_row_reads_back_as_it_was_inserted_every_column_included() {
        Database database = Database.open(dir.resolve("nexus.db"));
        Usage full = new Usage(0, "req-1", "key-1", 7, "Anthropic", "claude", "conv-1", "messages", true, 2006, 300,
                2306, UsageSource.REPORTED, 499, true, "client_closed_request", 812, 95L, 1_700_000_000_000L, 1920, 64,
                0, null, 0, false);
        Usage sparse = new Usage(0, "req-2", "key-2", 8, "OpenAI", "gpt-image-1", "conv-2", "images.generations", false,
                0, 0, 0, UsageSource.MISSING, 502, false, null, 3, null, 1_700_000_000_001L, 0, 0, 2, null, 0, false);

        database.insertUsage(List.of(full, sparse));

        List<Usage> rows = database.dao(UsageDao.class).listAll();
        assertThat(rows).extracting(Usage::id).containsExactly(1L, 2L);
        assertThat(rows).usingRecursiveFieldByFieldElementComparatorIgnoringFields("id").containsExactly(full, sparse);
    }

    @Test
    void usage_rows_are_summed_by_provider_and_model_and_conversation() {
        Database database = Database.open(dir.resolve("nexus.db"));
        long providerId = database.dao(ProviderDao.class).insert(provider("key-1"));
        UsageDao usage = database.dao(UsageDao.class);
        database.insertUsage(List.of(
                row("r1", providerId, "gpt-4", "c1", 10, 5, UsageSource.REPORTED),
                row("r2", providerId, "gpt-4", "c1", 1, 2, UsageSource.ESTIMATED),
                row("r3", 99, "other", "c2", 0, 0, UsageSource.MISSING)));

        assertThat(usage.totals()).isEqualTo(new UsageTotals(3, 11, 7, 18, 0));
        assertThat(usage.byProvider()).containsExactly(
                new ProviderUsage(providerId, "OpenAI", 2, 11, 7, 18, 0),
                new ProviderUsage(99, "gone", 1, 0, 0, 0, 0));
        assertThat(usage.byModel()).extracting(ModelUsage::model).containsExactly("gpt-4", "other");
        assertThat(usage.conversationTotals("c1")).isEqualTo(new UsageTotals(2, 11, 7, 18, 0));
        assertThat(usage.conversationTotals("nope").requests()).isZero();
        assertThat(usage.listAll()).extracting(Usage::usageSource)
                .containsExactly(UsageSource.REPORTED, UsageSource.ESTIMATED, UsageSource.MISSING);
        assertThat(usage.listAll().get(0).firstTokenMillis()).isNull();
    }

    private static Usage row(String requestId, long providerId, String model, String conversation, long prompt,
                             long completion, UsageSource source) {
        return new Usage(0, requestId, "key-1", providerId, "gone", model, conversation, "chat.completions", false,
                prompt, completion, prompt + completion, source, 200, false, null, 12, null, 1L, 0, 0, 0, null, 0, false);
    }

    @Test
    void a_transaction_that_fails_midway_on_a_virtual_thread_leaves_nothing_and_the_next_one_works() throws Exception {
        Database database = Database.open(dir.resolve("nexus.db"));
        Throwable failure;
        try (ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor()) {
            failure = virtualThreads.submit(() -> catchThrowable(() -> database.inTransaction(handle -> {
                handle.attach(ProviderDao.class).insert(provider("key-1"));
                throw new IllegalStateException("failed midway");
            }))).get();
            virtualThreads.submit(() -> database.inTransaction(handle ->
                    handle.attach(ProviderDao.class).insert(provider("key-2")))).get();
        }

        assertThat(failure).hasMessage("failed midway");
        assertThat(database.dao(ProviderDao.class).listAll()).extracting(Provider::personalizedKey)
                .containsExactly("key-2");
    }

    @Test
    void a_thread_keeping_its_connection_uses_one_until_work_on_it_fails_and_then_a_new_one() throws Exception {
        Database database = Database.open(dir.resolve("nexus.db"));
        List<Object> connections = new java.util.ArrayList<>();
        Throwable[] failure = new Throwable[1];
        Thread keeping = Thread.ofPlatform().start(database.keepingConnection(() -> {
            connections.add(database.inTransaction(Handle::getConnection));
            connections.add(database.inTransaction(Handle::getConnection));
            failure[0] = catchThrowable(() -> database.inTransaction(handle -> {
                handle.attach(ProviderDao.class).insert(provider("key-1"));
                throw new IllegalStateException("failed midway");
            }));
            connections.add(database.inTransaction(handle -> {
                handle.attach(ProviderDao.class).insert(provider("key-2"));
                return handle.getConnection();
            }));
        }));
        keeping.join();

        assertThat(failure[0]).hasMessage("failed midway");
        assertThat(connections.get(1)).isSameAs(connections.get(0));
        assertThat(connections.get(2)).isNotSameAs(connections.get(0));
        assertThat(database.dao(ProviderDao.class).listAll()).extracting(Provider::personalizedKey)
                .containsExactly("key-2");
        assertThat(database.inTransaction(Handle::getConnection))
                .as("a thread that does not keep one gets a new connection per call")
                .isNotSameAs(database.inTransaction(Handle::getConnection));
    }

    @Test
    void trigger_bodies_are_kept_whole_when_a_script_is_split() {
        List<String> statements = Migrations.statements("""
                CREATE TABLE a (x INTEGER);
                -- a comment
                CREATE TRIGGER t AFTER INSERT ON a
                BEGIN UPDATE a SET x = 1; END;
                INSERT INTO a VALUES (1);
                """);
        assertThat(statements).hasSize(3);
        assertThat(statements.get(1)).startsWith("CREATE TRIGGER").endsWith("END;");
    }
}
