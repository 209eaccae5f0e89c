package nexus.proxy.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.stream.Stream;

import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import nexus.proxy.ErrorBody;
import nexus.proxy.Fixtures;
import nexus.proxy.GenerationIds;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.RequestIds;
import nexus.shared.db.ModelType;
import nexus.shared.db.Usage;

/**
 * Embeddings, rerank, images and legacy completions (JSON) for a model two providers serve: a retryable failure of
 * the first is answered by the second, with a usage row per attempt; an error not worth retrying reaches the client
 * from the first; a model one provider serves is tried once.
 */
class EndpointFailoverTest {

    @RegisterExtension
    final TwoProviders gateway = new TwoProviders();

    /** One endpoint: where it is called, its model of its type, a request, and an upstream answer. */
    record Case(String path, String usageName, String model, ModelType type, String request, String answer) {

        @Override
        public String toString() {
            return path;
        }
    }

    static Stream<Case> endpoints() {
        return Stream.of(
                new Case("/v1/embeddings", "embeddings", "embed-1", ModelType.EMBEDDING,
                        "{\"model\":\"embed-1\",\"input\":\"hello world\"}", "embeddings/openai-float.json"),
                new Case("/v1/rerank", "rerank", "rerank-1", ModelType.RERANK,
                        "{\"model\":\"rerank-1\",\"query\":\"capital?\",\"documents\":[\"Paris\",\"Rome\",\"Bern\"]}",
                        "rerank/jina.json"),
                new Case("/v1/images/generations", "images.generations", "image-1", ModelType.IMAGE,
                        "{\"model\":\"image-1\",\"prompt\":\"A lighthouse\",\"n\":1}", "images/dall-e-3-url.json"),
                new Case("/v1/completions", "completions", "gpt-4", ModelType.CHAT,
                        "{\"model\":\"gpt-4\",\"prompt\":\"Say this is a test\",\"max_tokens\":7}",
                        "completions/openai.json"));
    }

    private void serveOnBoth(Case endpoint) {
        if (endpoint.type() != ModelType.CHAT) {
            gateway.proxy().addModel(gateway.firstId(), endpoint.model(), endpoint.type());
            gateway.proxy().addModel(gateway.secondId(), endpoint.model(), endpoint.type());
        }
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void a_503_is_answered_by_the_second_provider(Case endpoint) throws Exception {
        serveOnBoth(endpoint);
        gateway.first().enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        gateway.second().enqueue(OpenAiReplies.json(Fixtures.read(endpoint.answer())));
        String requestId;

        try (Response response = gateway.post(endpoint.path(), endpoint.request())) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.body().string()).startsWith("{");
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
            assertThat(response.header("X-Nexus-Model")).isEqualTo(endpoint.model());
            assertThat(response.header("X-Nexus-Attempts")).isEqualTo("2");
            requestId = response.header(RequestIds.HEADER);
            assertThat(response.header(GenerationIds.HEADER)).isEqualTo(requestId + "-2");
        }

        List<Usage> rows = gateway.rows(2);
        assertThat(rows).extracting(Usage::requestId, Usage::providerId, Usage::status, Usage::attempt,
                Usage::endpoint).containsExactlyInAnyOrder(
                tuple(requestId, gateway.firstId(), 503, 1, endpoint.usageName()),
                tuple(requestId + "-2", gateway.secondId(), 200, 2, endpoint.usageName()));
        assertThat(gateway.first().getRequestCount()).isEqualTo(1);
        assertThat(gateway.second().getRequestCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void a_400_is_not_retried(Case endpoint) throws Exception {
        serveOnBoth(endpoint);
        gateway.first().enqueue(OpenAiReplies.json(400, "{\"error\":{\"message\":\"bad input\","
                + "\"type\":\"invalid_request_error\",\"param\":\"input\",\"code\":\"invalid_value\"}}"));

        try (Response response = gateway.post(endpoint.path(), endpoint.request())) {
            assertThat(response.code()).isEqualTo(400);
            assertThat(ErrorBody.of(response.body().string()).withoutMessage())
                    .isEqualTo(ErrorBody.of("invalid_request_error", "invalid_value", "input"));
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("First");
            assertThat(response.header("X-Nexus-Attempts")).isEqualTo("1");
        }
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).singleElement()
                .satisfies(row -> assertThat(List.of(row.status(), row.attempt())).containsExactly(400, 1));
        assertThat(gateway.second().getRequestCount()).isZero();
    }

    @Test
    void a_model_one_provider_serves_is_tried_once_and_its_error_reaches_the_client() throws Exception {
        gateway.proxy().addModel(gateway.firstId(), "solo-embed", ModelType.EMBEDDING);
        gateway.first().enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));

        try (Response response = gateway.post("/v1/embeddings", "{\"model\":\"solo-embed\",\"input\":\"hi\"}")) {
            assertThat(response.code()).isEqualTo(503);
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("First");
            assertThat(response.header("X-Nexus-Model")).isEqualTo("solo-embed");
            assertThat(response.header("X-Nexus-Attempts")).isEqualTo("1");
        }
        assertThat(gateway.rows(1)).singleElement()
                .satisfies(row -> assertThat(List.of(row.status(), row.attempt())).containsExactly(503, 1));
        assertThat(gateway.second().getRequestCount()).isZero();
    }

    @Test
    void a_refused_connection_is_answered_by_the_second_provider() throws Exception {
        gateway.proxy().addModel(gateway.firstId(), "embed-1", ModelType.EMBEDDING);
        gateway.proxy().addModel(gateway.secondId(), "embed-1", ModelType.EMBEDDING);
        gateway.first().close();  // its port now refuses connections
        gateway.second().enqueue(OpenAiReplies.json(Fixtures.read("embeddings/openai-float.json")));

        try (Response response = gateway.post("/v1/embeddings", "{\"model\":\"embed-1\",\"input\":\"hi\"}")) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
        }
        assertThat(gateway.rows(2)).extracting(Usage::status, Usage::errorCode, Usage::attempt)
                .containsExactlyInAnyOrder(tuple(502, "upstream_unavailable", 1), tuple(200, null, 2));
    }
}
