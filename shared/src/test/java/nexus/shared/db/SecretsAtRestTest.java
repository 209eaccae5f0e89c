package nexus.shared.db;

import static nexus.shared.db.SecretRows.PROXY;
import static nexus.shared.db.SecretRows.SERVER_KEY;
import static nexus.shared.db.SecretRows.provider;
import static nexus.shared.db.SecretRows.storedColumn;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets are encrypted on disk and read back in plain, and the files that hold them are the owner's only. */
class SecretsAtRestTest {

    @TempDir
    Path dir;

    @Test
    void the_server_key_and_the_proxy_credentials_are_stored_encrypted_and_read_back_in_plain() {
        Database database = Database.open(dir.resolve("data/nexus.db"));
        long id = database.dao(ProviderDao.class).insert(provider(SERVER_KEY, PROXY));

        assertThat(storedColumn(database, "server_key")).startsWith("v1:").doesNotContain("secret");
        assertThat(storedColumn(database, "http_proxy")).startsWith("v1:").doesNotContain("proxy-password");
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
        assertThat(storedColumn(database, "server_key")).isEmpty();

        providers.update(new Provider(stored.id(), stored.name(), stored.kind(), stored.serverUrl(), "sk-new-key-987654",
                stored.personalizedKey(), stored.description(), true, stored.createdAtMillis(), ""));

        assertThat(storedColumn(database, "server_key")).startsWith("v1:").doesNotContain("987654");
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

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
