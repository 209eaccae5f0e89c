package nexus.proxy.upstream.mock;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.ProxyServer;
import nexus.proxy.Sse;
import nexus.shared.db.ModelType;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** The mock kind answers every endpoint locally, deterministically, with tokens it counted. */
class MockEndpointsTest {

    private static final String KEY = "mock-key";

    @TempDir
    Path dir;

    ProxyServer proxy;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        long mock = proxy.addProvider("Mock", ProviderKind.MOCK, "mock://local?chunks=2&delay_ms=0", KEY, "echo-1");
        proxy.addModel(mock, "embed-1", ModelType.EMBEDDING);
        proxy.addModel(mock, "rerank-1", ModelType.RERANK);
        proxy.addModel(mock, "image-1", ModelType.IMAGE);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private JsonNode post(String path, String json) throws IOException {
        try (Response response = proxy.execute(proxy.post(path, KEY, json))) {
            assertThat(response.code()).isEqualTo(200);
            return Sse.tree(response.body().string());
        }
    }

    @Test
    void embeddings_are_256_dimensional_unit_vectors_the_same_for_the_same_text() throws Exception {
        JsonNode answer = post("/v1/embeddings", "{\"model\":\"embed-1\",\"input\":[\"red apple\",\"red apple\","
                + "\"blue sky\"]}");

        List<JsonNode> vectors = List.of(answer.at("/data/0/embedding"), answer.at("/data/1/embedding"),
                answer.at("/data/2/embedding"));
        assertThat(vectors).allSatisfy(vector -> assertThat(vector).hasSize(256));
        assertThat(vectors.get(0)).isEqualTo(vectors.get(1)).isNotEqualTo(vectors.get(2));
        double length = 0;
        for (JsonNode value : vectors.getFirst()) {
            length += value.asDouble() * value.asDouble();
        }
        assertThat(length).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(row.promptTokens()).isEqualTo(answer.at("/usage/prompt_tokens").asLong()).isPositive();
    }

    @Test
    void base64_embeddings_hold_as_many_floats_as_dimensions_asked() throws Exception {
        JsonNode answer = post("/v1/embeddings", "{\"model\":\"embed-1\",\"input\":[[1,2,3]],\"dimensions\":32,"
                + "\"encoding_format\":\"base64\"}");

        assertThat(Base64.getDecoder().decode(answer.at("/data/0/embedding").asText())).hasSize(32 * Float.BYTES);
    }

    @Test
    void rerank_scores_documents_by_the_query_words_they_share_best_first() throws Exception {
        JsonNode answer = post("/v1/rerank", "{\"model\":\"rerank-1\",\"query\":\"capital of France\","
                + "\"documents\":[\"Berlin is in Germany\",\"Paris is the capital of France\",\"the capital\"],"
                + "\"top_n\":2}");

        assertThat(answer.path("results")).hasSize(2);
        assertThat(answer.at("/results/0/index").asInt()).isEqualTo(1);
        assertThat(answer.at("/results/0/relevance_score").asDouble()).isEqualTo(1.0);
        assertThat(answer.at("/results/1/index").asInt()).isEqualTo(2);
        assertThat(answer.at("/results/0/document/text").asText()).isEqualTo("Paris is the capital of France");
        assertThat(answer.at("/usage/total_tokens").asLong()).isPositive();
    }

    @Test
    void images_are_pngs_as_data_urls_by_default() throws Exception {
        JsonNode answer = post("/api/proxy/images/generate", "{\"model\":\"image-1\",\"prompt\":\"a red kite\"}");

        String url = answer.at("/data/0/url").asText();
        assertThat(url).startsWith("data:image/png;base64,");
        assertThat(Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1))).startsWith(0x89, 'P', 'N', 'G');
        assertThat(proxy.awaitUsageRows(1).getFirst().images()).isEqualTo(1);
    }

    @Test
    void a_legacy_completion_streams_its_echo_in_text_completion_chunks() throws Exception {
        String body;
        try (Response response = proxy.execute(proxy.post("/v1/completions", KEY,
                "{\"model\":\"echo-1\",\"prompt\":\"Hello there\",\"stream\":true}"))) {
            body = response.body().string();
        }

        List<String> events = Sse.data(body);
        assertThat(events.getLast()).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = Sse.tree(event);
            assertThat(chunk.path("object").asText()).isEqualTo("text_completion");
            text.append(chunk.at("/choices/0/text").asText());
        }
        assertThat(text).hasToString("Hello there");
        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(row.completionTokens()).isPositive();
    }
}
