package nexus.proxy.responses;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.Sse;
import nexus.shared.db.ModelType;
import nexus.shared.db.NewProvider;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.ResponsesMode;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/**
 * POST /v1/responses to a provider whose server speaks the Responses API ({@code responses: native}): the request
 * reaches {@code {server_url}/responses} as the client sent it, the answer comes back as the server sent it, JSON and
 * SSE, with one usage row from the usage it reports.
 */
class NativeResponsesTest {

    static final String KEY = "native-key";
    static final String RESPONSE = "{\"id\":\"resp_up1\",\"object\":\"response\",\"created_at\":1741476542,"
            + "\"status\":\"completed\",\"model\":\"gpt-4.1\",\"output\":[{\"type\":\"message\",\"id\":\"msg_up1\","
            + "\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":"
            + "\"Hi!\",\"annotations\":[]}]}],\"usage\":{\"input_tokens\":11,\"input_tokens_details\":{"
            + "\"cached_tokens\":4},\"output_tokens\":2,\"output_tokens_details\":{\"reasoning_tokens\":0},"
            + "\"total_tokens\":13}}";
    static final String STREAM = "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"
            + "\"response\":{\"id\":\"resp_up2\",\"object\":\"response\",\"status\":\"in_progress\",\"output\":[]}}\n\n"
            + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":1,"
            + "\"item_id\":\"msg_up2\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hi\"}\n\n"
            + "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":2,\"response\":"
            + "{\"id\":\"resp_up2\",\"object\":\"response\",\"status\":\"completed\",\"output\":[],\"usage\":{"
            + "\"input_tokens\":9,\"output_tokens\":1,\"total_tokens\":10}}}\n\n";

    @StartStop
    final MockWebServer upstream = new MockWebServer();

    @TempDir
    Path dir;

    ProxyServer proxy;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        long id = proxy.database().dao(ProviderDao.class).insert(new NewProvider("OpenAI", ProviderKind.OPENAI,
                upstream.url("/v1").toString(), "upstream-secret-key", KEY, "", true, 1L, "", ResponsesMode.NATIVE));
        proxy.addModel(id, "gpt-4.1", ModelType.CHAT);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void a_request_passes_through_as_sent_and_its_answer_comes_back_as_it_came() throws Exception {
        upstream.enqueue(OpenAiReplies.json(RESPONSE));
        String sent = "{\"model\":\"gpt-4.1\",\"input\":\"Hi\",\"tools\":[{\"type\":\"web_search\"}],"
                + "\"previous_response_id\":\"resp_earlier\",\"include\":[\"web_search_call.results\"]}";

        Reply reply = post(sent);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo(RESPONSE);
        RecordedRequest received = upstream.takeRequest();
        assertThat(received.getUrl().encodedPath()).isEqualTo("/v1/responses");
        assertThat(received.getBody().utf8()).isEqualTo(sent);
        assertThat(received.getHeaders().get("Authorization")).isEqualTo("Bearer upstream-secret-key");
        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(row.endpoint()).isEqualTo("responses");
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(java.util.List.of(row.promptTokens(), row.completionTokens(), row.cacheReadTokens()))
                .containsExactly(11L, 2L, 4L);
        assertThat(get("resp_up1")).isEqualTo(RESPONSE);
    }

    @Test
    void a_stream_is_relayed_event_by_event_as_it_came() throws Exception {
        upstream.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .chunkedBody(STREAM, 64).build());

        Reply reply = post("{\"model\":\"gpt-4.1\",\"input\":\"Hi\",\"stream\":true}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/event-stream");
        assertThat(reply.body()).isEqualTo(STREAM);
        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(row.stream()).isTrue();
        assertThat(row.status()).isEqualTo(200);
        assertThat(java.util.List.of(row.promptTokens(), row.completionTokens())).containsExactly(9L, 1L);
    }

    @Test
    void a_stream_cut_before_its_end_ends_with_an_error_event_and_a_truncated_row() throws Exception {
        upstream.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(STREAM.substring(0, STREAM.indexOf("event: response.completed")))
                .onResponseEnd(new SocketEffect.CloseSocket()).build());

        Reply reply = post("{\"model\":\"gpt-4.1\",\"input\":\"Hi\",\"stream\":true}");

        Sse.Event last = Sse.events(reply.body()).getLast();
        assertThat(last.name()).isEqualTo("error");
        assertThat(last.json().path("code").asText()).isEqualTo("upstream_unavailable");
        assertThat(reply.body()).doesNotContain("response.completed");
        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.truncated()).isTrue();
    }

    @Test
    void a_conversation_is_sent_as_its_items_before_the_input_and_extended_json_and_streamed() throws Exception {
        upstream.enqueue(OpenAiReplies.json(RESPONSE));
        String streamed = STREAM.replace("\"output\":[],\"usage\"", "\"output\":[{\"type\":\"message\",\"id\":"
                + "\"msg_up2\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":"
                + "\"output_text\",\"text\":\"Hi\",\"annotations\":[]}]}],\"usage\"");
        upstream.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(streamed)
                .build());
        String conversation = ConversationReads.create(proxy, KEY);

        Reply first = post("{\"model\":\"gpt-4.1\",\"conversation\":\"" + conversation + "\",\"input\":\"Hello\"}");
        Reply second = post("{\"model\":\"gpt-4.1\",\"stream\":true,\"conversation\":{\"id\":\"" + conversation
                + "\"},\"input\":[{\"role\":\"user\",\"content\":\"Again\"}]}");

        assertThat(first.body()).isEqualTo(RESPONSE);
        assertThat(second.body()).isEqualTo(streamed);
        assertThat(Sse.tree(upstream.takeRequest().getBody().utf8()).has("conversation")).isFalse();
        JsonNode sent = Sse.tree(upstream.takeRequest().getBody().utf8());
        assertThat(sent.has("conversation")).isFalse();
        assertThat(sent.path("input").toString()).isEqualTo("[{\"type\":\"message\",\"role\":\"user\",\"content\":"
                + "[{\"type\":\"input_text\",\"text\":\"Hello\"}]},{\"type\":\"message\",\"role\":\"assistant\","
                + "\"content\":[{\"type\":\"output_text\",\"text\":\"Hi!\",\"annotations\":[]}]},"
                + "{\"role\":\"user\",\"content\":\"Again\"}]");
        assertThat(ConversationReads.items(proxy, KEY, conversation))
                .containsExactly("user: Hello", "assistant: Hi!", "user: Again", "assistant: Hi");
    }

    private Reply post(String json) throws Exception {
        try (Response response = proxy.execute(proxy.post("/v1/responses", KEY, json))) {
            return Reply.of(response);
        }
    }

    private String get(String id) throws Exception {
        Request request = new Request.Builder().url(proxy.url("/v1/responses/" + id))
                .header("Authorization", "Bearer " + KEY).build();
        try (Response response = proxy.execute(request)) {
            return response.body().string();
        }
    }
}
