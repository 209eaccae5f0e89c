package nexus.shared.db;

import static nexus.shared.db.SecretRows.SERVER_KEY;
import static nexus.shared.db.SecretRows.provider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.config.ConfigException;

/** Where the secrets' key comes from, and the start refused when it cannot be the right one. */
class SecretKeyTest {

    @TempDir
    Path dir;

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
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
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
    void a_key_webhook_secret_alone_also_makes_a_copy_without_its_key_file_refuse_to_open() throws Exception {
        Database database = Database.open(dir.resolve("data/nexus.db"));
        database.dao(ApiKeyDao.class).insert(new ApiKey(0, "k", "hash", "sk-nx-abcd…", true, "", null, null, null,
                false, null, "https://hooks.example.com/T0KEN", "whsec_c2VjcmV0", null, 1, 1));
        Path copy = copyWithoutKey(database, dir.resolve("elsewhere"));

        assertThatThrownBy(() -> Database.open(copy)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is missing but the database holds encrypted secrets");
        Files.writeString(copy.resolveSibling("secret.key"), randomKey() + "\n");
        assertThatThrownBy(() -> Database.open(copy)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("do not decrypt with");
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
            List<Database> databases = started.stream().map(SecretKeyTest::join).toList();

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
}
