package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import com.fasterxml.jackson.databind.JsonNode;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.config.NexusConfig;
import nexus.shared.db.Provider;

/** What a provider's secrets look like on disk after the admin stored them, and what the API still shows. */
class SecretsAtRestApiTest {

    private static final String SERVER_KEY = "sk-upstream-secret-key-5678";
    private static final String PROXY = "http://alice:proxy-password-42@10.0.0.7:3128";

    @TempDir
    Path dir;

    @Test
    void a_created_provider_has_its_key_and_proxy_password_encrypted_on_disk_and_masked_in_answers() throws Exception {
        NexusConfig config = NexusConfig.forTests(dir);
        try (AdminServer admin = AdminServer.start(config)) {
            long id = admin.post("/providers", "{\"name\":\"OpenAI\",\"server_url\":\"https://api.openai.com/v1\","
                    + "\"server_key\":\"" + SERVER_KEY + "\",\"personalized_key\":\"k1\",\"http_proxy\":\"" + PROXY
                    + "\"}").expect(201).path("id").asLong();

            JsonNode shown = admin.get("/providers/" + id).expect(200);
            assertThat(shown.path("server_key").asText()).isEqualTo("sk-…5678");
            assertThat(shown.path("http_proxy").asText()).isEqualTo("http://alice:…@10.0.0.7:3128");
            assertThat(admin.providerRows()).singleElement()
                    .returns(SERVER_KEY, Provider::serverKey)
                    .returns(PROXY, Provider::httpProxy);
            try (Handle handle = admin.database().openHandle()) {
                String stored = handle.createQuery("SELECT server_key || ' ' || http_proxy FROM provider")
                        .mapTo(String.class).one();
                assertThat(stored).startsWith("v1:").doesNotContain("secret-key", "proxy-password", "alice");
            }
        }
        assertThat(Files.readAllBytes(config.databaseFile())).asString().doesNotContain("secret-key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.databaseFile())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.dataDir())))
                .isEqualTo("rwx------");
    }
}
