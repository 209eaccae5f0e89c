package nexus.shared.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.config.ConfigException;

class SecretsAtRestTest {

    private static final String SERVER_KEY = "sk-upstream-secret-123456";
    private static final String PROXY = "http://alice:proxy-password@proxy.local:3128";

    @TempDir
    Path dir;

    private static NewProvider provider(String serverKey, String httpProxy) {
        return new NewProvider("OpenAI", ProviderKind.OPENAI, "https://api.openai.com/v1", serverKey, "key-1", "", true,
                1_000L, httpProxy);
    }

    private static String rawColumn(Database database, String column) {
        try (Handle handle = database.openHandle()) {
            return handle.createQuery("SELECT " + column + " FROM provider").mapTo(String.class).one();
        }
    }

    /** A consistent copy of the database file alone (WAL content included), as a backup would take it. */
    private static Path copyWithoutKey(Database database, Path folder) throws Exception {
        Files.createDirectories(folder);
        Path copy = folder.resolve("nexus.db");
        try (Handle handle = database.openHandle()) {
            handle.execute("VACUUM INTO '" + copy + "'");
        }
        return copy;
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    @Test
    void the_server_key_and_the_proxy_credentials_are_stored_encrypted_and_read_back_in_plain() {
        Database database = Database.open(dir.resolve("data/nexus.db"));
        long id = database.dao(ProviderDao.class).insert(provider(SERVER_KEY, PROXY));

        assertThat(rawColumn(database, "server_key")).startsWith("v1:").doesNotContain("secret");
        assertThat(rawColumn(database, "http_proxy")).startsWith("v1:").doesNotContain("proxy-password");
        assertThat(database.dao(ProviderDao.class).findById(id)).get()
                .returns(SERVER_KEY, Provider::serverKey)
                .returns(PROXY, Provider::httpProxy);
        assertThat(database.dao(ProviderDao.class).listEnabled()).singleElement()
                .returns(SERVER_KEY, Provider::serverKey);
    }

    @Test
    void an_update_stores_the_new_key_encrypted_and_no_secret_stays_empty() {
        Database database = Database.open(dir.resolve("data/nexus.db"));
        ProviderDao providers = database.dao(ProviderDao.class);
        Provider stored = providers.findById(providers.insert(provider("", ""))).orElseThrow();
        assertThat(rawColumn(database, "server_key")).isEmpty();

        providers.update(new Provider(stored.id(), stored.name(), stored.kind(), stored.serverUrl(), "sk-new-key-987654",
                stored.personalizedKey(), stored.description(), true, stored.createdAtMillis(), ""));

        assertThat(rawColumn(database, "server_key")).startsWith("v1:").doesNotContain("987654");
        assertThat(providers.findById(stored.id())).get().returns("sk-new-key-987654", Provider::serverKey);
    }

    @Test
    void the_data_folder_and_the_key_and_database_files_are_readable_by_their_owner_only() throws Exception {
        Path data = dir.resolve("data");
        Database database = Database.open(data.resolve("nexus.db"));
        try (Handle held = database.openHandle()) {  // keeps the -wal and -shm files in place
            held.createQuery("PRAGMA data_version").mapTo(Long.class).one();
            database.dao(ProviderDao.class).insert(provider(SERVER_KEY, ""));

            assertThat(mode(data)).isEqualTo("rwx------");
            for (String name : List.of("nexus.db", "nexus.db-wal", "nexus.db-shm", "secret.key")) {
                assertThat(mode(data.resolve(name))).as(name).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void files_of_an_earlier_start_are_tightened() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Database earlier = Database.open(data.resolve("nexus.db"));
        try (Handle held = earlier.openHandle()) {  // keeps the -wal and -shm files in place
            held.createQuery("PRAGMA data_version").mapTo(Long.class).one();
            earlier.dao(ProviderDao.class).insert(provider(SERVER_KEY, ""));
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (String name : List.of("nexus.db", "nexus.db-wal", "nexus.db-shm", "secret.key")) {
                Files.setPosixFilePermissions(data.resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
            }

            Database.open(data.resolve("nexus.db"));

            assertThat(mode(data)).isEqualTo("rwx------");
            for (String name : List.of("nexus.db", "nexus.db-wal", "nexus.db-shm", "secret.key")) {
                assertThat(mode(data.resolve(name))).as(name).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void a_copy_of_the_database_without_its_key_file_refuses_to_open_and_makes_no_new_key() throws Exception {
        Database database = Database.open(dir.resolve("data/nexus.db"));
        database.dao(ProviderDao.class).insert(provider(SERVER_KEY, ""));
        Path copy = copyWithoutKey(database, dir.resolve("elsewhere"));

        assertThatThrownBy(() -> Database.open(copy))
                .isInstanceOf(ConfigException.class)
                .hasMessage(copy.resolveSibling("secret.key") + " is missing but the database holds encrypted"
                        + " secrets; restore it or set NEXUS_SECRET_KEY");
        assertThat(copy.resolveSibling("secret.key")).doesNotExist();

        Files.copy(dir.resolve("data/secret.key"), copy.resolveSibling("secret.key"));
        assertThat(Database.open(copy).dao(ProviderDao.class).listAll()).singleElement()
                .returns(SERVER_KEY, Provider::serverKey);
    }

    @Test
    void a_key_file_other_than_the_one_the_secrets_were_encrypted_with_refuses_to_open() throws Exception {
        Database database = Database.open(dir.resolve("data/nexus.db"));
        database.dao(ProviderDao.class).insert(provider(SERVER_KEY, ""));
        Path copy = copyWithoutKey(database, dir.resolve("elsewhere"));
        Files.writeString(copy.resolveSibling("secret.key"), randomKey() + "\n");

        assertThatThrownBy(() -> Database.open(copy))
                .isInstanceOf(ConfigException.class)
                .hasMessage("The secrets in the database do not decrypt with " + copy.resolveSibling("secret.key")
                        + "; restore the key file they were encrypted with, or set NEXUS_SECRET_KEY to that key");
    }

    @Test
    void a_damaged_key_file_refuses_to_open_naming_it() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("secret.key"), "not a key\n");

        assertThatThrownBy(() -> Database.open(data.resolve("nexus.db")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(data.resolve("secret.key") + " does not hold a key");
    }

    @Test
    void a_key_from_the_variable_is_used_instead_of_a_key_file() {
        String key = randomKey();
        Path file = dir.resolve("data/nexus.db");
        Database.open(file, key).dao(ProviderDao.class).insert(provider(SERVER_KEY, ""));

        assertThat(file.resolveSibling("secret.key")).doesNotExist();
        assertThat(Database.open(file, key).dao(ProviderDao.class).listAll()).singleElement()
                .returns(SERVER_KEY, Provider::serverKey);
        assertThatThrownBy(() -> Database.open(file, randomKey()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("The secrets in the database do not decrypt with NEXUS_SECRET_KEY; set it to the key they"
                        + " were encrypted with");
        assertThatThrownBy(() -> Database.open(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("secret.key is missing but the database holds encrypted secrets");
    }

    @Test
    void a_malformed_key_in_the_variable_is_refused_naming_it_without_echoing_it() {
        for (String bad : List.of("short-key", Base64.getEncoder().encodeToString(new byte[16]))) {
            assertThatThrownBy(() -> Database.open(dir.resolve("data/nexus.db"), bad))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("NEXUS_SECRET_KEY must be the base64 of 32 random bytes")
                    .message().doesNotContain(bad);
        }
    }

    @Test
    void secrets_stored_in_plain_text_by_an_earlier_version_are_encrypted_at_start_once() throws Exception {
        Path file = Files.createDirectories(dir.resolve("data")).resolve("nexus.db");
        Jdbi old = Jdbi.create("jdbc:sqlite:" + file);
        try (Handle handle = old.open()) {
            for (String script : List.of("V001__init.sql", "V002__types_proxies_units.sql", "V003__video_tasks.sql")) {
                try (var in = Migrations.class.getResourceAsStream("/nexus/shared/db/migration/" + script)) {
                    for (String statement : Migrations.statements(new String(in.readAllBytes(), StandardCharsets.UTF_8))) {
                        handle.execute(statement);
                    }
                }
            }
            handle.execute("PRAGMA user_version = 3");
            handle.execute("INSERT INTO provider (name, server_url, server_key, personalized_key, created_at_millis,"
                    + " http_proxy) VALUES ('Old', 'https://api.openai.com/v1', ?, 'k1', 1, ?)", SERVER_KEY, PROXY);
            handle.execute("INSERT INTO provider (name, server_url, personalized_key, created_at_millis)"
                    + " VALUES ('Keyless', 'http://localhost:8001/v1', 'k2', 1)");
        }

        Database upgraded = Database.open(file);

        List<Provider> providers = upgraded.dao(ProviderDao.class).listAll();
        assertThat(providers).extracting(Provider::serverKey).containsExactly(SERVER_KEY, "");
        assertThat(providers).extracting(Provider::httpProxy).containsExactly(PROXY, "");
        List<String> stored;
        try (Handle handle = upgraded.openHandle()) {
            stored = handle.createQuery("SELECT server_key || ' ' || http_proxy FROM provider ORDER BY id")
                    .mapTo(String.class).list();
        }
        assertThat(stored.get(0)).startsWith("v1:").doesNotContain("secret").doesNotContain("proxy-password");
        assertThat(stored.get(1)).isEqualTo(" ");

        Database again = Database.open(file);
        try (Handle handle = again.openHandle()) {
            assertThat(handle.createQuery("SELECT server_key || ' ' || http_proxy FROM provider ORDER BY id")
                    .mapTo(String.class).list()).isEqualTo(stored);
        }
    }

    @Test
    void the_admin_and_the_proxy_starting_at_once_on_a_new_folder_end_up_with_one_key() throws Exception {
        Path file = dir.resolve("data/nexus.db");
        int processes = 4;
        CountDownLatch ready = new CountDownLatch(processes);
        ExecutorService threads = Executors.newFixedThreadPool(processes);
        try {
            Callable<Database> start = () -> {
                ready.countDown();
                ready.await();
                return Database.open(file);
            };
            List<Future<Database>> started = threads.invokeAll(List.of(start, start, start, start), 30,
                    TimeUnit.SECONDS);
            List<Database> databases = started.stream().map(SecretsAtRestTest::join).toList();

            databases.get(0).dao(ProviderDao.class).insert(provider(SERVER_KEY, ""));
            for (Database database : databases) {
                assertThat(database.dao(ProviderDao.class).listAll()).singleElement()
                        .returns(SERVER_KEY, Provider::serverKey);
            }
            assertThat(Database.open(file).dao(ProviderDao.class).listAll()).hasSize(1);
            assertThat(file.resolveSibling("secret.key")).isNotEmptyFile();
            try (var files = Files.list(file.getParent())) {
                assertThat(files.map(path -> path.getFileName().toString()))
                        .noneMatch(name -> name.endsWith(".tmp"));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static Database join(Future<Database> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new AssertionError("A start failed", e);
        }
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
