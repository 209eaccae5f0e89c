package nexus.proxy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/** Which provider serves a model when the client's key opens several. */
class RoutingTest {

    private static final String KEY = "shared-key";

    @StartStop
    final MockWebServer first = new MockWebServer();

    @StartStop
    final MockWebServer second = new MockWebServer();

    @TempDir
    Path dir;

    ProxyServer proxy;
    long firstId;
    long secondId;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        firstId = proxy.addProvider("First", ProviderKind.OPENAI, first.url("/v1").toString(), KEY, "gpt-4");
        secondId = proxy.addProvider("Second", ProviderKind.OPENAI, second.url("/v1").toString(), KEY, "gpt-4",
                "only-on-second");
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private int chat(String model) throws Exception {
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", KEY,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))) {
            return response.code();
        }
    }

    @Test
    void a_model_on_two_providers_with_the_same_key_is_served_by_the_lowest_provider_id() throws Exception {
        assertThat(firstId).isLessThan(secondId);
        first.enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "from first", 3, 2)));
        first.enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "from first", 3, 2)));

        assertThat(chat("gpt-4")).isEqualTo(200);
        assertThat(chat("gpt-4")).isEqualTo(200);

        assertThat(first.getRequestCount()).isEqualTo(2);
        assertThat(second.getRequestCount()).isZero();
        assertThat(proxy.awaitUsageRows(2)).extracting(Usage::providerId).containsExactly(firstId, firstId);
    }

    @Test
    void a_model_only_the_higher_provider_has_is_served_by_it() throws Exception {
        second.enqueue(OpenAiReplies.json(OpenAiReplies.completion("only-on-second", "from second", 3, 2)));

        assertThat(chat("only-on-second")).isEqualTo(200);

        assertThat(second.takeRequest(5, TimeUnit.SECONDS).getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(first.getRequestCount()).isZero();
        assertThat(proxy.awaitUsageRows(1).getFirst().providerName()).isEqualTo("Second");
    }

    @Test
    void when_the_lowest_provider_is_disabled_the_next_one_serves_the_model() throws Exception {
        ProviderDao providers = proxy.database().dao(ProviderDao.class);
        Provider lowest = providers.findById(firstId).orElseThrow();
        providers.update(new Provider(lowest.id(), lowest.name(), lowest.kind(), lowest.serverUrl(),
                lowest.serverKey(), lowest.personalizedKey(), lowest.description(), false, lowest.createdAtMillis(),
                lowest.httpProxy()));
        second.enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "from second", 3, 2)));

        assertThat(chat("gpt-4")).isEqualTo(200);

        assertThat(second.getRequestCount()).isEqualTo(1);
        assertThat(first.getRequestCount()).isZero();
        assertThat(proxy.awaitUsageRows(1).getFirst().providerId()).isEqualTo(secondId);
    }
}
