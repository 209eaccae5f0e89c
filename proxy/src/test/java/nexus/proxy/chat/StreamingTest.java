package nexus.proxy.chat;

import static nexus.proxy.ProxyWithUpstream.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ScriptedSseBody;
import nexus.proxy.Sse;
import nexus.proxy.usage.TokenCounter;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** Streamed chat completions: SSE relayed event by event, usage asked for and hidden, flushed as it arrives. */
class StreamingTest {

    private static final String STREAM = "{\"model\":\"gpt-4\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    private static final String STREAM_WITH_USAGE = "{\"model\":\"gpt-4\",\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    private static List<String> helloWithUsage() {
        List<String> events = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", "Hel", "lo", " there"));
        events.add(OpenAiReplies.usageChunk("gpt-4", 10, 3));
        events.add("[DONE]");
        return events;
    }

    @Test
    void every_event_reaches_the_client_in_order_and_the_stream_ends_with_done() throws Exception {
        List<String> events = helloWithUsage();
        gateway.upstream().enqueue(OpenAiReplies.stream(events));

        try (Response response = gateway.chat(STREAM)) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith("text/event-stream");
            assertThat(response.header("Cache-Control")).isEqualTo("no-cache");
            assertThat(response.header("X-Request-Id")).startsWith("req_");
            assertThat(response.header("X-Conversation-Id")).isNotBlank();
            String body = response.body().string();
            List<String> received = Sse.data(body);
            List<String> expected = new ArrayList<>(events);
            expected.remove(OpenAiReplies.usageChunk("gpt-4", 10, 3));  // asked for by Nexus, not by the client
            assertThat(received).containsExactlyElementsOf(expected);
            assertThat(body).endsWith("data: [DONE]\n\n");
            assertThat(Sse.contents(received)).isEqualTo("Hello there");
        }
    }

    @Test
    void the_upstream_is_asked_for_usage_when_the_client_did_not_ask_and_nothing_else_changes() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.stream(helloWithUsage()));

        try (Response response = gateway.chat(STREAM)) {
            assertThat(Sse.data(response.body().string())).noneMatch(event -> event.contains("\"usage\""));
        }

        var sent = gateway.upstream().takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer upstream-secret-key");
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        JsonNode body = Sse.tree(sent.getBody().utf8());
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        ObjectNode withoutOptions = ((ObjectNode) body.deepCopy());
        withoutOptions.remove("stream_options");
        assertThat(withoutOptions).isEqualTo(Sse.tree(STREAM));
    }

    @Test
    void the_usage_chunk_reaches_a_client_that_asked_for_it_and_its_body_goes_up_unchanged() throws Exception {
        List<String> events = helloWithUsage();
        gateway.upstream().enqueue(OpenAiReplies.stream(events));

        try (Response response = gateway.chat(STREAM_WITH_USAGE)) {
            assertThat(Sse.data(response.body().string())).containsExactlyElementsOf(events);
        }

        assertThat(gateway.upstream().takeRequest(5, TimeUnit.SECONDS).getBody().utf8()).isEqualTo(STREAM_WITH_USAGE);
        Usage row = gateway.proxy().awaitUsageRows(1).getFirst();
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(row.totalTokens()).isEqualTo(13);
    }

    @Test
    void a_client_that_declined_usage_gets_no_usage_chunk_but_the_row_still_has_the_reported_usage()
            throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.stream(helloWithUsage()));

        try (Response response = gateway.chat("{\"model\":\"gpt-4\","
                + "\"stream\":true,\"stream_options\":{\"include_usage\":false},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")) {
            assertThat(Sse.data(response.body().string())).noneMatch(event -> event.contains("\"usage\""));
        }

        JsonNode sent = Sse.tree(gateway.upstream().takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
        assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
        Usage row = gateway.proxy().awaitUsageRows(1).getFirst();
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(row.totalTokens()).isEqualTo(13);
    }

    @Test
    void a_finished_stream_is_recorded_with_the_reported_usage_and_a_first_token_time() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.stream(helloWithUsage()));
        String requestId;
        try (Response response = gateway.chat(STREAM)) {
            requestId = response.header("X-Request-Id");
            response.body().string();
        }

        Usage row = gateway.proxy().awaitUsageRows(1).getFirst();
        assertThat(row.requestId()).isEqualTo(requestId);
        assertThat(row.stream()).isTrue();
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.truncated()).isFalse();
        assertThat(row.errorCode()).isNull();
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(List.of(row.promptTokens(), row.completionTokens(), row.totalTokens()))
                .containsExactly(10L, 3L, 13L);
        assertThat(row.firstTokenMillis()).isNotNull().isBetween(0L, row.latencyMillis());
    }

    @Test
    void a_stream_without_a_usage_chunk_is_recorded_with_estimated_tokens() throws Exception {
        List<String> events = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", "Hel", "lo", " there"));
        events.add("[DONE]");
        gateway.upstream().enqueue(OpenAiReplies.stream(events));

        try (Response response = gateway.chat(STREAM)) {
            assertThat(Sse.data(response.body().string())).containsExactlyElementsOf(events);
        }

        Usage row = gateway.proxy().awaitUsageRows(1).getFirst();
        TokenCounter tokens = new TokenCounter();
        long prompt = tokens.countPrompt(Sse.tree(STREAM).get("messages"), "gpt-4");
        long completion = tokens.count("Hello there", "gpt-4");
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(completion).isPositive();
        assertThat(List.of(row.promptTokens(), row.completionTokens(), row.totalTokens()))
                .containsExactly(prompt, completion, prompt + completion);
        assertThat(row.firstTokenMillis()).isNotNull();
    }

    @Test
    void a_long_stream_without_usage_is_estimated_on_all_of_its_text() throws Exception {
        // Far more chunk text than StreamAccounting keeps raw: the early chunks are folded in as the stream goes.
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            words.add("word" + i + " ");
        }
        List<String> events = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", words.toArray(String[]::new)));
        assertThat(String.join("", events).length()).isGreaterThan(4 * StreamAccounting.MAX_KEPT_CHARS);
        events.add("[DONE]");
        gateway.upstream().enqueue(OpenAiReplies.stream(events));

        try (Response response = gateway.chat(STREAM)) {
            assertThat(Sse.data(response.body().string())).containsExactlyElementsOf(events);
        }

        Usage row = gateway.proxy().awaitUsageRows(1).getFirst();
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(row.completionTokens()).isEqualTo(new TokenCounter().count(String.join("", words), "gpt-4"));
    }

    @Test
    void comments_and_crlf_line_endings_from_the_upstream_do_not_disturb_the_events() throws Exception {
        List<String> events = helloWithUsage();
        StringBuilder body = new StringBuilder(": OPENROUTER PROCESSING\r\n\r\n");
        for (String event : events) {
            body.append("data: ").append(event).append("\r\n\r\n").append(": keep-alive\r\n\r\n");
        }
        gateway.upstream().enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream; charset=utf-8")
                .chunkedBody(body.toString(), 7).build());

        try (Response response = gateway.chat(STREAM_WITH_USAGE)) {
            assertThat(Sse.data(response.body().string())).containsExactlyElementsOf(events);
        }
        assertThat(gateway.proxy().awaitUsageRows(1).getFirst().status()).isEqualTo(200);
    }

    @Test
    void each_event_is_flushed_to_the_client_as_it_arrives_not_buffered_until_the_end() throws Exception {
        ScriptedSseBody body = new ScriptedSseBody()
                .event(OpenAiReplies.roleChunk("gpt-4"))
                .event(OpenAiReplies.contentChunk("gpt-4", "Hel"))
                .hold()
                .event(OpenAiReplies.contentChunk("gpt-4", "lo"))
                .event(OpenAiReplies.finishChunk("gpt-4"))
                .event("[DONE]");
        gateway.upstream().enqueue(body.response());
        OkHttpClient client = gateway.proxy().client().newBuilder().readTimeout(Duration.ofSeconds(5)).build();

        try (Response response = client.newCall(gateway.proxy().post("/v1/chat/completions", KEY, STREAM)).execute()) {
            assertThat(response.code()).isEqualTo(200);
            BufferedSource source = response.body().source();
            body.readWhileHeld(() -> {
                assertThat(Sse.next(source)).isEqualTo(OpenAiReplies.roleChunk("gpt-4"));
                assertThat(Sse.content(Sse.next(source))).isEqualTo("Hel");
            });
            assertThat(Sse.content(Sse.next(source))).isEqualTo("lo");
            assertThat(Sse.next(source)).isEqualTo(OpenAiReplies.finishChunk("gpt-4"));
            assertThat(Sse.next(source)).isEqualTo("[DONE]");
            assertThat(Sse.next(source)).isNull();
        }
        assertThat(gateway.proxy().awaitUsageRows(1).getFirst().status()).isEqualTo(200);
    }

    @Test
    void a_streamed_request_on_the_alias_path_streams_too() throws Exception {
        List<String> events = helloWithUsage();
        gateway.upstream().enqueue(OpenAiReplies.stream(events));

        try (Response response = gateway.proxy().execute(
                gateway.proxy().post("/chat/completions", KEY, STREAM_WITH_USAGE))) {
            assertThat(response.header("Content-Type")).startsWith("text/event-stream");
            assertThat(Sse.data(response.body().string())).containsExactlyElementsOf(events);
        }
    }
}
