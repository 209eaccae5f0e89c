package nexus.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.Response;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.Database;
import nexus.shared.db.ProviderKind;

/** Upstream keys are encrypted in the database, and the proxy still sends them to the upstream as they were given. */
class EncryptedKeysTest {

    private static final String CHAT = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @StartStop
    final MockWebServer upstream = new MockWebServer();

    @TempDir
    Path dir;

    private static String storedServerKey(Database database) {
        try (Handle handle = database.openHandle()) {
            return handle.createQuery("SELECT server_key FROM provider").mapTo(String.class).one();
        }
    }

    private String authorizationSentThrough(ProxyServer proxy) throws Exception {
        upstream.enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Hello", 3, 2)));
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", "client-key", CHAT))) {
            assertThat(response.code()).isEqualTo(200);
        }
        RecordedRequest sent = upstream.takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent).as("the upstream was called").isNotNull();
        return sent.getHeaders().get("Authorization");
    }

    @Test
    void the_upstream_key_is_stored_encrypted_and_sent_to_the_upstream_in_plain() throws Exception {
        try (ProxyServer proxy = ProxyServer.start(dir)) {
            proxy.addProvider("OpenAI", ProviderKind.OPENAI, upstream.url("/v1").toString(), "client-key", "gpt-4");

            assertThat(storedServerKey(proxy.database())).startsWith("v1:").doesNotContain("upstream-secret-key");
            assertThat(authorizationSentThrough(proxy)).isEqualTo("Bearer upstream-secret-key");
        }
    }

    @Test
    void a_key_an_earlier_version_stored_in_plain_text_is_encrypted_at_start_and_still_sent() throws Exception {
        NexusConfig config = NexusConfig.forTests(dir);
        Database before = Database.open(config.databaseFile());
        try (Handle handle = before.openHandle()) {
            handle.execute("INSERT INTO provider (name, kind, server_url, server_key, personalized_key,"
                    + " created_at_millis) VALUES ('Old', 'openai', ?, 'sk-stored-in-plain-1234', 'client-key', 1)",
                    upstream.url("/v1").toString());
            handle.execute("INSERT INTO provider_model (provider_id, model_name, created_at_millis) VALUES (1, 'gpt-4', 1)");
        }

        try (ProxyServer proxy = ProxyServer.start(config)) {
            assertThat(storedServerKey(proxy.database())).startsWith("v1:").doesNotContain("stored-in-plain");
            assertThat(authorizationSentThrough(proxy)).isEqualTo("Bearer sk-stored-in-plain-1234");
        }
    }
}
