package nexus.proxy.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.MockResponse;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.conversations.ChatSocket;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/**
 * The same tokens cost the same however the call is made: a JSON answer, an SSE stream and the WebSocket, with the
 * usage the upstream reported or, when it reported none, the usage Nexus estimated from the same text.
 */
class SameCostEveryWayTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ANSWER = "Streamed or not, 你好, the same words cost the same.";
    private static final List<String> PIECES = List.of("Stre", "amed or n", "ot, 你", "好, the same wo", "rds cost",
            " the same.");
    private static final String CHAT = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Say it the same way three times\"}]";

    @RegisterExtension
    final ProxyWithUpstream upstream = new ProxyWithUpstream();
    ProxyServer proxy;
    AdminDesk admin;
    String key;

    @BeforeEach
    void start() {
        proxy = upstream.proxy();
        admin = AdminDesk.over(proxy);
        admin.price(upstream.providerId(), "gpt-4", "\"input_price\":\"2.50\",\"output_price\":\"10\"");
        key = admin.issue("").fullKey();
        assertThat(String.join("", PIECES)).isEqualTo(ANSWER);
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    @Test
    void reported_usage_costs_the_same_as_json_as_sse_and_in_the_websocket_done_frame() throws Exception {
        upstream.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", ANSWER, 1000, 500)));
        upstream.upstream().enqueue(streamWithUsage());
        upstream.upstream().enqueue(streamWithUsage());

        Billed json = json();
        String sse = sse();
        JsonNode done = overTheSocket();

        // 1000 in at 2.50 and 500 out at 10, per million
        assertThat(json.header()).isEqualTo("0.0075");
        assertThat(json.billing().path("cost").textValue()).isEqualTo("0.0075");
        assertThat(sse).contains(ANSWER.substring(0, 4)).endsWith("data: [DONE]\n\n");
        assertThat(done.path("billing").path("cost").textValue()).isEqualTo("0.0075");
        assertThat(done.path("billing").path("currency").textValue()).isEqualTo("USD");
        assertThat(done.path("usage").path("total_tokens").asLong()).isEqualTo(1500);
        assertThat(proxy.awaitUsageRows(3)).extracting(Usage::costNanos, Usage::usageSource).containsOnly(
                tuple(7_500_000L, UsageSource.REPORTED));
    }

    @Test
    void an_upstream_that_reports_no_usage_is_priced_from_the_estimate_the_same_every_way() throws Exception {
        upstream.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", ANSWER, -1, 0)));
        upstream.upstream().enqueue(streamWithoutUsage());
        upstream.upstream().enqueue(streamWithoutUsage());

        Billed json = json();
        sse();
        JsonNode done = overTheSocket();

        String cost = json.billing().path("cost").textValue();
        assertThat(new BigDecimal(cost)).isPositive();
        assertThat(json.header()).isEqualTo(cost);
        assertThat(done.path("usage_source").textValue()).isEqualTo("estimated");
        assertThat(done.path("billing").path("cost").textValue()).isEqualTo(cost);
        assertThat(done.path("usage").path("completion_tokens").asLong())
                .isEqualTo(json.billing().path("output_tokens").asLong());
        List<Usage> rows = proxy.awaitUsageRows(3);
        assertThat(rows).extracting(Usage::usageSource).containsOnly(UsageSource.ESTIMATED);
        assertThat(rows).extracting(Usage::promptTokens).containsOnly(json.billing().path("input_tokens").asLong());
        assertThat(rows).extracting(Usage::completionTokens)
                .containsOnly(json.billing().path("output_tokens").asLong());
        assertThat(rows).extracting(Usage::costNanos).containsOnly(new BigDecimal(cost).movePointRight(9)
                .longValueExact());
    }

    private static MockResponse streamWithUsage() {
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .chunkedBody(OpenAiReplies.sseBody("c2", "gpt-4", 1, 1000, 500, PIECES), 64).build();
    }

    private static MockResponse streamWithoutUsage() {
        List<String> events = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", PIECES.toArray(String[]::new)));
        events.add("[DONE]");
        return OpenAiReplies.stream(events);
    }

    /** What a non-streamed answer says it cost: its {@code X-Nexus-Cost} header and its {@code billing}. */
    private record Billed(String header, JsonNode billing) {}

    private Billed json() throws IOException {
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", key, CHAT + "}"))) {
            assertThat(response.code()).isEqualTo(200);
            JsonNode answer = MAPPER.readTree(response.body().string());
            assertThat(answer.path("choices").get(0).path("message").path("content").textValue()).isEqualTo(ANSWER);
            return new Billed(response.header("X-Nexus-Cost"), answer.path("billing"));
        }
    }

    private String sse() throws IOException {
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", key,
                CHAT + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}"))) {
            assertThat(response.code()).isEqualTo(200);
            return response.body().string();
        }
    }

    private JsonNode overTheSocket() throws InterruptedException {
        try (ChatSocket socket = new ChatSocket(proxy, key)) {
            JsonNode last = socket.ask(CHAT + "}").getLast();
            assertThat(last.path("type").textValue()).as("%s", last).isEqualTo("done");
            return last;
        }
    }
}
