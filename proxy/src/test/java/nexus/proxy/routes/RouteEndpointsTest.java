package nexus.proxy.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.Fixtures;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.routes.RoutedGateway.To;
import nexus.shared.db.ModelPrices;
import nexus.shared.db.ModelType;
import nexus.shared.db.Usage;

/** A route is called like a model on a stream and on /v1/messages: its fallback answers what its first target failed. */
class RouteEndpointsTest {

    private static final String KEY = "endpoints-key";

    @RegisterExtension
    final RoutedGateway gateway = new RoutedGateway();

    private MockWebServer first;
    private MockWebServer second;

    @BeforeEach
    void fallbackRoute() throws Exception {
        first = gateway.upstream();
        second = gateway.upstream();
        long firstId = gateway.provider("First", first, KEY, "");
        long secondId = gateway.provider("Second", second, KEY, "");
        gateway.model(firstId, "big");
        gateway.model(secondId, "small");
        gateway.route("fast", "priority", To.of(firstId, "big"), To.of(secondId, "small"));
        first.enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
    }

    @Test
    void a_stream_is_answered_by_the_fallback() throws Exception {
        second.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(OpenAiReplies.sseBody("chatcmpl-1", "small", 1700000000, 3, 2, List.of("Hel", "lo"))).build());

        try (Response response = gateway.proxy().execute(gateway.proxy().post("/v1/chat/completions", KEY,
                "{\"model\":\"fast\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))) {
            String body = response.body().string();
            assertThat(response.code()).as(body).isEqualTo(200);
            assertThat(response.header("X-Nexus-Route")).isEqualTo("fast");
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
            assertThat(body).contains("Hel").contains("lo").contains("[DONE]");
        }
        assertThat(gateway.proxy().awaitUsageRows(2)).extracting(Usage::route).containsExactly("fast", "fast");
    }

    @Test
    void messages_are_answered_by_the_fallback() throws Exception {
        second.enqueue(OpenAiReplies.json(OpenAiReplies.completion("small", "Hello", 3, 2)));

        try (Response response = gateway.proxy().execute(gateway.proxy().post("/v1/messages", KEY,
                "{\"model\":\"fast\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))) {
            String body = response.body().string();
            assertThat(response.code()).as(body).isEqualTo(200);
            assertThat(response.header("X-Nexus-Route")).isEqualTo("fast");
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
            assertThat(body).contains("Hello");
        }
        assertThat(gateway.proxy().awaitUsageRows(2)).extracting(Usage::route).containsExactly("fast", "fast");
    }

    @Test
    void embeddings_of_a_route_are_answered_by_the_fallback_and_each_attempt_row_names_the_route() throws Exception {
        MockWebServer down = gateway.upstream();
        MockWebServer up = gateway.upstream();
        long downId = gateway.provider("Down", down, KEY, "");
        long upId = gateway.provider("Up", up, KEY, "");
        gateway.model(downId, "embed-big", ModelType.EMBEDDING, ModelPrices.NONE);
        gateway.model(upId, "embed-small", ModelType.EMBEDDING, ModelPrices.NONE);
        gateway.route("vectors", ModelType.EMBEDDING, "priority", null, To.of(downId, "embed-big"),
                To.of(upId, "embed-small"));
        down.enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        up.enqueue(OpenAiReplies.json(Fixtures.read("embeddings/openai-float.json")));

        try (Response response = gateway.proxy().execute(gateway.proxy().post("/v1/embeddings", KEY,
                "{\"model\":\"vectors\",\"input\":\"hello\"}"))) {
            String body = response.body().string();
            assertThat(response.code()).as(body).isEqualTo(200);
            assertThat(response.header("X-Nexus-Route")).isEqualTo("vectors");
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Up");
            assertThat(body).contains("\"embedding\"");
        }
        assertThat(gateway.proxy().awaitUsageRows(2)).extracting(row -> row.endpoint() + " " + row.status() + " "
                + row.attempt() + " " + row.route() + " " + row.model())
                .containsExactly("embeddings 503 1 vectors embed-big", "embeddings 200 2 vectors embed-small");
    }
}
