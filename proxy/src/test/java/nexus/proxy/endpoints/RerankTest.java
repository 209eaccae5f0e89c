package nexus.proxy.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

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

/** {@code POST /v1/rerank}: every server's answer format comes back in one shape, best first, cut to top_n. */
class RerankTest {

    private static final String MODEL = "rerank-v1";
    private static final String QUERY = "What is the capital of the United States?";
    private static final String REQUEST = "{\"model\":\"" + MODEL + "\",\"query\":\"" + QUERY + "\",\"top_n\":2,"
            + "\"return_documents\":true,\"documents\":[\"Carson City is the capital city of Nevada.\","
            + "{\"text\":\"The capital city of France is Paris.\"},"
            + "\"Washington, D.C. is the capital of the United States.\"]}";
    /** The query and the three documents, as cl100k_base counts them. */
    private static final int ESTIMATED_TOKENS = 40;

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    @BeforeEach
    void addModel() {
        gateway.proxy().addModel(gateway.providerId(), MODEL, ModelType.RERANK);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"cohere-v1, ESTIMATED", "jina, REPORTED", "vllm, REPORTED", "tei, ESTIMATED"})
    void each_servers_answer_is_normalised_into_one_shape(String server, UsageSource source) throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(Fixtures.read("rerank/" + server + ".json")));

        Reply reply = gateway.post("/v1/rerank", REQUEST);

        assertThat(reply.status()).isEqualTo(200);
        String expected = Fixtures.read("rerank/" + server + "-normalised.json")
                .replace("ESTIMATED", Integer.toString(ESTIMATED_TOKENS));
        assertThat(Sse.tree(reply.body())).isEqualTo(Sse.tree(expected));
        Usage row = gateway.onlyRow();
        assertThat(row.endpoint()).isEqualTo("rerank");
        assertThat(row.usageSource()).isEqualTo(source);
        assertThat(row.promptTokens()).isEqualTo(Sse.tree(reply.body()).path("usage").path("total_tokens").asLong());
        assertThat(row.completionTokens()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/rerank", "/rerank", "/v2/rerank", "/api/proxy/v1/rerank"})
    void the_request_reaches_the_upstreams_rerank_path_as_sent(String path) throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(Fixtures.read("rerank/jina.json")));

        assertThat(gateway.post(path, REQUEST).status()).isEqualTo(200);

        var sent = gateway.upstream().takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/rerank");
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer upstream-secret-key");
        assertThat(sent.getBody().utf8()).isEqualTo(REQUEST);
    }

    @Test
    void documents_are_left_out_when_the_client_did_not_want_them() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(Fixtures.read("rerank/jina.json")));

        Reply reply = gateway.post("/v1/rerank", REQUEST.replace("\"return_documents\":true", "\"return_documents\":false"));

        assertThat(Sse.tree(reply.body()).path("results")).hasSize(2)
                .allSatisfy(result -> assertThat(result.has("document")).isFalse());
    }

    @Test
    void an_answer_without_results_is_a_502() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json("{\"scores\":[0.1,0.2]}"));

        Reply reply = gateway.post("/v1/rerank", REQUEST);

        assertThat(reply.status()).isEqualTo(502);
        ProxyWithUpstream.assertFailedBeforeAnswer(gateway.onlyRow(), 502, "upstream_unavailable");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no query         | {\"model\":\"rerank-v1\",\"documents\":[\"a\"]}                                   | query",
            "empty query      | {\"model\":\"rerank-v1\",\"query\":\"\",\"documents\":[\"a\"]}                    | query",
            "no documents     | {\"model\":\"rerank-v1\",\"query\":\"q\"}                                         | documents",
            "empty documents  | {\"model\":\"rerank-v1\",\"query\":\"q\",\"documents\":[]}                        | documents",
            "bad document     | {\"model\":\"rerank-v1\",\"query\":\"q\",\"documents\":[\"a\",{\"title\":\"b\"}]} | documents[1]",
            "zero top_n       | {\"model\":\"rerank-v1\",\"query\":\"q\",\"documents\":[\"a\"],\"top_n\":0}       | top_n",
            "text flag        | {\"model\":\"rerank-v1\",\"query\":\"q\",\"documents\":[\"a\"],\"return_documents\":\"yes\"} | return_documents",
            "a chat model     | {\"model\":\"gpt-4\",\"query\":\"q\",\"documents\":[\"a\"]}                       | model"})
    void bad_input_is_a_400_naming_the_field_and_records_nothing(String name, String body, String param)
            throws Exception {
        Reply reply = gateway.post("/v1/rerank", body);

        gateway.assertRefusedUntouched(reply, param);
    }
}
