package nexus.proxy.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.ErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.proxy.Sse;
import nexus.proxy.usage.TokenCounter;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** An answer that breaks off after it began: what arrived is relayed, then one error event; the row is truncated. */
class BrokenStreamTest {

    private static final String KEY = "client-key-1";
    private static final String CHAT = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String STREAM = "{\"model\":\"gpt-4\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @StartStop
    final MockWebServer upstream = new MockWebServer();

    @TempDir
    Path dir;

    ProxyServer proxy;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        proxy.addProvider("OpenAI", ProviderKind.OPENAI, upstream.url("/v1").toString(), KEY, "gpt-4");
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    /** What the client got back: status and body. */
    private record Reply(int status, String contentType, String body) {}

    private Reply send(String json) throws Exception {
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", KEY, json))) {
            return new Reply(response.code(), response.header("Content-Type", ""), response.body().string());
        }
    }

    private Usage onlyRow() {
        List<Usage> rows = proxy.awaitUsageRows(1);
        assertThat(rows).hasSize(1);
        return rows.getFirst();
    }

    private static void assertFailedBeforeAnswer(Usage row, int status, String errorCode) {
        assertThat(row.status()).isEqualTo(status);
        assertThat(row.errorCode()).isEqualTo(errorCode);
        assertThat(row.truncated()).isFalse();
        assertThat(row.usageSource()).isEqualTo(UsageSource.MISSING);
        assertThat(List.of(row.promptTokens(), row.completionTokens(), row.totalTokens())).containsOnly(0L);
    }

    @Test
    void a_stream_cut_off_midway_ends_with_one_error_event_and_no_done() throws Exception {
        List<String> events = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4",
                "Once upon", " a time", " there was", " a gateway", " that relayed", " every token"));
        events.add(OpenAiReplies.usageChunk("gpt-4", 10, 12));
        events.add("[DONE]");
        upstream.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(OpenAiReplies.sse(events))
                .onResponseBody(new SocketEffect.CloseSocket())  // closes the socket halfway through the body
                .build());

        Reply reply = send(STREAM);

        assertThat(reply.status()).isEqualTo(200);
        List<String> received = Sse.data(reply.body());
        List<String> relayed = received.subList(0, received.size() - 1);
        assertThat(events).startsWith(relayed.toArray(String[]::new));
        assertThat(relayed).hasSizeGreaterThan(1).doesNotContain("[DONE]").noneMatch(event -> event.contains("error"));
        assertThat(ErrorBody.of(received.getLast()).withoutMessage())
                .isEqualTo(ErrorBody.of("upstream_error", "upstream_unavailable", null));
        assertThat(reply.body()).doesNotContain("[DONE]");

        Usage row = onlyRow();
        String arrived = Sse.contents(relayed);
        assertThat(arrived).isNotEmpty();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.truncated()).isTrue();
        assertThat(row.errorCode()).isEqualTo("upstream_unavailable");
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(row.completionTokens()).isEqualTo(new TokenCounter().count(arrived, "gpt-4")).isPositive();
        assertThat(row.promptTokens()).isPositive();
        assertThat(row.firstTokenMillis()).isNotNull();
    }

    @Test
    void a_stream_that_ends_without_done_gets_one_error_event_after_all_its_events() throws Exception {
        List<String> events = OpenAiReplies.answerChunks("gpt-4", "Hel", "lo");
        upstream.enqueue(OpenAiReplies.stream(events));

        Reply reply = send(STREAM);

        List<String> received = Sse.data(reply.body());
        assertThat(received).hasSize(events.size() + 1);
        assertThat(received.subList(0, events.size())).containsExactlyElementsOf(events);
        ErrorBody error = ErrorBody.of(received.getLast());
        assertThat(error.code()).isEqualTo("upstream_unavailable");
        assertThat(error.message()).contains("[DONE]");
        assertThat(reply.body()).doesNotContain("data: [DONE]");

        Usage row = onlyRow();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.truncated()).isTrue();
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(row.completionTokens()).isEqualTo(new TokenCounter().count("Hello", "gpt-4"));
    }

    @Test
    void an_error_event_from_the_upstream_ends_the_stream_with_one_error_event() throws Exception {
        List<String> events = List.of(
                OpenAiReplies.roleChunk("gpt-4"),
                OpenAiReplies.contentChunk("gpt-4", "Hel"),
                "{\"error\":{\"message\":\"The server is overloaded.\",\"type\":\"server_error\",\"param\":null,"
                        + "\"code\":\"overloaded\"}}",
                OpenAiReplies.contentChunk("gpt-4", "lo"),
                "[DONE]");
        upstream.enqueue(OpenAiReplies.stream(events));

        Reply reply = send(STREAM);

        List<String> received = Sse.data(reply.body());
        assertThat(received).hasSize(3);
        assertThat(received.subList(0, 2)).containsExactlyElementsOf(events.subList(0, 2));
        ErrorBody error = ErrorBody.of(received.getLast());
        assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("server_error", "overloaded", null));
        assertThat(error.message()).contains("The server is overloaded.");

        Usage row = onlyRow();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.truncated()).isTrue();
        assertThat(row.errorCode()).isEqualTo("overloaded");
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(row.completionTokens()).isEqualTo(new TokenCounter().count("Hel", "gpt-4"));
    }

    @Test
    void a_non_streamed_answer_cut_off_midway_is_502_upstream_unavailable() throws Exception {
        upstream.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "application/json")
                .body(OpenAiReplies.completion("gpt-4", "A long enough answer to be cut in the middle.", 5, 11))
                .onResponseBody(new SocketEffect.CloseSocket())
                .build());

        Reply reply = send(CHAT);

        assertThat(reply.status()).isEqualTo(502);
        assertThat(ErrorBody.of(reply.body()).code()).isEqualTo("upstream_unavailable");
        assertFailedBeforeAnswer(onlyRow(), 502, "upstream_unavailable");
    }
}
