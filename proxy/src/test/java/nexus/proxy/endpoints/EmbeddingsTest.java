package nexus.proxy.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import nexus.proxy.ErrorBody;
import nexus.proxy.Fixtures;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.Sse;
import nexus.shared.db.ModelType;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** {@code POST /v1/embeddings} through the proxy to an OpenAI-compatible upstream. */
class EmbeddingsTest {

    private static final String MODEL = "text-embedding-3-small";
    private static final String REQUEST = "{\"model\":\"" + MODEL + "\",\"input\":[\"The food was delicious\","
            + "\"and the waiter was kind\"],\"encoding_format\":\"float\",\"dimensions\":3}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    @BeforeEach
    void addModel() {
        gateway.proxy().addModel(gateway.providerId(), MODEL, ModelType.EMBEDDING);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/embeddings", "/embeddings", "/api/proxy/embeddings"})
    void the_answer_is_relayed_as_it_came_and_its_reported_tokens_recorded(String path) throws Exception {
        String answer = Fixtures.read("embeddings/openai-float.json");
        gateway.upstream().enqueue(OpenAiReplies.json(answer));

        Reply reply = gateway.post(path, REQUEST);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(reply.body()).isEqualTo(answer);
        RecordedRequest sent = gateway.upstream().takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/embeddings");
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer upstream-secret-key");
        assertThat(sent.getBody().utf8()).isEqualTo(REQUEST);
        Usage row = gateway.onlyRow();
        assertThat(row.endpoint()).isEqualTo("embeddings");
        assertThat(row.model()).isEqualTo(MODEL);
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.stream()).isFalse();
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(row.promptTokens()).isEqualTo(8);
        assertThat(row.completionTokens()).isZero();
        assertThat(row.totalTokens()).isEqualTo(8);
        assertThat(row.images()).as("vectors are not images").isZero();
    }

    @Test
    void an_answer_without_usage_is_estimated_over_the_input_texts() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(Fixtures.read("embeddings/no-usage.json")));

        Reply reply = gateway.post("/v1/embeddings", "{\"model\":\"" + MODEL + "\",\"input\":\"hello world\"}");

        assertThat(reply.status()).isEqualTo(200);
        Usage row = gateway.onlyRow();
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(row.promptTokens()).isEqualTo(2);
        assertThat(row.completionTokens()).isZero();
    }

    @Test
    void token_id_inputs_are_estimated_as_one_token_each() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(Fixtures.read("embeddings/no-usage.json")));

        Reply reply = gateway.post("/v1/embeddings", "{\"model\":\"" + MODEL + "\",\"input\":[[1,2,3],[4,5]]}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(gateway.onlyRow().promptTokens()).isEqualTo(5);
    }

    @Test
    void a_large_base64_answer_arrives_whole() throws Exception {
        String vector = "A".repeat(6 * 1024 * 1024);
        String answer = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":\""
                + vector + "\"}],\"model\":\"" + MODEL + "\",\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}";
        gateway.upstream().enqueue(OpenAiReplies.json(answer));

        Reply reply = gateway.post("/v1/embeddings", "{\"model\":\"" + MODEL + "\",\"input\":\"big\","
                + "\"encoding_format\":\"base64\"}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo(answer);
        assertThat(gateway.onlyRow().promptTokens()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no input              | {\"model\":\"text-embedding-3-small\"}                                        | input",
            "empty string          | {\"model\":\"text-embedding-3-small\",\"input\":\"\"}                         | input",
            "empty array           | {\"model\":\"text-embedding-3-small\",\"input\":[]}                           | input",
            "mixed array           | {\"model\":\"text-embedding-3-small\",\"input\":[\"a\",[1]]}                  | input[1]",
            "number                | {\"model\":\"text-embedding-3-small\",\"input\":42}                           | input",
            "bad encoding_format   | {\"model\":\"text-embedding-3-small\",\"input\":\"a\",\"encoding_format\":\"hex\"} | encoding_format",
            "zero dimensions       | {\"model\":\"text-embedding-3-small\",\"input\":\"a\",\"dimensions\":0}       | dimensions",
            "streaming             | {\"model\":\"text-embedding-3-small\",\"input\":\"a\",\"stream\":true}        | stream",
            "a chat model          | {\"model\":\"gpt-4\",\"input\":\"a\"}                                          | model"})
    void bad_input_is_a_400_naming_the_field_and_records_nothing(String name, String body, String param)
            throws Exception {
        Reply reply = gateway.post("/v1/embeddings", body);

        gateway.assertRefusedUntouched(reply, param);
    }

    @Test
    void a_chat_model_is_refused_naming_both_types() throws Exception {
        Reply reply = gateway.post("/v1/embeddings", "{\"model\":\"gpt-4\",\"input\":\"a\"}");

        assertThat(ErrorBody.of(reply.body()).message()).contains("chat", "embedding");
    }

    @Test
    void an_answer_that_is_not_json_is_a_502_and_recorded() throws Exception {
        gateway.upstream().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/html")
                .body("<html>maintenance</html>").build());

        Reply reply = gateway.post("/v1/embeddings", REQUEST);

        assertThat(reply.status()).isEqualTo(502);
        assertThat(ErrorBody.of(reply.body()).code()).isEqualTo("upstream_unavailable");
        ProxyWithUpstream.assertFailedBeforeAnswer(gateway.onlyRow(), 502, "upstream_unavailable");
    }

    @Test
    void an_answer_cut_off_midway_reaches_the_client_unparseable_and_is_recorded_as_truncated() throws Exception {
        String vector = "A".repeat(256 * 1024);
        gateway.upstream().enqueue(OpenAiReplies.json("{\"object\":\"list\",\"data\":[{\"embedding\":\"" + vector
                + "\"}],\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}").newBuilder()
                .onResponseBody(new SocketEffect.CloseSocket()).build());

        String body;
        try (var response = gateway.proxy().execute(gateway.proxy().post("/v1/embeddings", ProxyWithUpstream.KEY,
                REQUEST))) {
            assertThat(response.code()).isEqualTo(200);
            try {
                body = response.body().string();
            } catch (java.io.IOException cut) {
                body = null;
            }
        }

        if (body != null) {
            String complete = body;
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sse.tree(complete)).isInstanceOf(AssertionError.class);
        }
        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.truncated()).isTrue();
        assertThat(row.errorCode()).isEqualTo("upstream_unavailable");
    }
}
