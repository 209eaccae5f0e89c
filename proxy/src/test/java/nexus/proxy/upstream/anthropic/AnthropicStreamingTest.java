package nexus.proxy.upstream.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ErrorBody;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.Sse;
import nexus.proxy.usage.TokenCounter;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** Streamed OpenAI chat requests through the proxy to an upstream streaming Anthropic's message events. */
class AnthropicStreamingTest {

    private static final String STREAM = "{\"model\":\"" + AnthropicProviderTest.MODEL + "\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    private static final String STREAM_WITH_USAGE = "{\"model\":\"" + AnthropicProviderTest.MODEL + "\","
            + "\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream("Anthropic", ProviderKind.ANTHROPIC,
            AnthropicProviderTest.MODEL);

    private static MockResponse.Builder eventStream() {
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream; charset=utf-8");
    }

    private static MockResponse transcript(String fixture) {
        return eventStream().chunkedBody(TranslationCases.text(fixture, "anthropic-stream.txt"), 64).build();
    }

    /** The fixture's chunks as the client reads them: without the usage chunk unless it asked, then [DONE]. */
    private static List<JsonNode> expectedChunks(String fixture, boolean withUsage) {
        return TranslationCases.text(fixture, "openai-chunks.jsonl").lines().map(TranslationCases::parse)
                .filter(chunk -> withUsage || !chunk.has("usage")).toList();
    }

    /** The received chunk payloads, each with the {@code created} the fixtures use once checked to be now. */
    private static List<JsonNode> receivedChunks(List<String> payloads, long before) {
        long after = Instant.now().getEpochSecond();
        return payloads.stream().map(TranslationCases::parse).map(chunk -> {
            if (chunk.has("created")) {
                assertThat(chunk.get("created").asLong()).isBetween(before, after);
                ((ObjectNode) chunk).put("created", AnthropicResponsesTest.CREATED);
            }
            return TranslationCases.asRead(chunk);
        }).toList();
    }

    @Test
    void a_stream_is_asked_for_as_events_and_relayed_as_openai_chunks_ending_with_done() throws Exception {
        gateway.upstream().enqueue(transcript("streaming-text"));
        long before = Instant.now().getEpochSecond();

        Reply reply = gateway.send(STREAM);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/event-stream");
        List<String> received = Sse.data(reply.body());
        assertThat(received.getLast()).isEqualTo("[DONE]");
        assertThat(receivedChunks(received.subList(0, received.size() - 1), before))
                .containsExactlyElementsOf(expectedChunks("streaming-text", false));

        RecordedRequest sent = gateway.upstream().takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent).isNotNull();
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/messages");
        assertThat(sent.getHeaders().get("x-api-key")).isEqualTo("upstream-secret-key");
        assertThat(sent.getHeaders().get("anthropic-version")).isEqualTo("2023-06-01");
        JsonNode body = Sse.tree(sent.getBody().utf8());
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.has("stream_options")).isFalse();

        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.stream()).isTrue();
        assertThat(row.truncated()).isFalse();
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(List.of(row.promptTokens(), row.completionTokens(), row.totalTokens())).containsExactly(25L, 15L, 40L);
        assertThat(row.firstTokenMillis()).isNotNull();
    }

    @Test
    void a_client_that_asks_for_usage_gets_the_usage_chunk_with_cache_tokens_and_the_row_has_them() throws Exception {
        gateway.upstream().enqueue(transcript("streaming-cache-usage"));
        long before = Instant.now().getEpochSecond();

        Reply reply = gateway.send(STREAM_WITH_USAGE);

        List<String> received = Sse.data(reply.body());
        assertThat(receivedChunks(received.subList(0, received.size() - 1), before))
                .containsExactlyElementsOf(expectedChunks("streaming-cache-usage", true));
        Usage row = gateway.onlyRow();
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(row.promptTokens()).isEqualTo(6 + 120 + 4100);
        assertThat(row.completionTokens()).isEqualTo(4);
        assertThat(row.cacheReadTokens()).isEqualTo(4100);
        assertThat(row.cacheCreationTokens()).isEqualTo(120);
    }

    @Test
    void tool_call_arguments_arrive_as_openai_tool_call_deltas() throws Exception {
        gateway.upstream().enqueue(transcript("streaming-tool-call"));
        long before = Instant.now().getEpochSecond();

        Reply reply = gateway.send(STREAM);

        List<String> received = Sse.data(reply.body());
        assertThat(receivedChunks(received.subList(0, received.size() - 1), before))
                .containsExactlyElementsOf(expectedChunks("streaming-tool-call", false));
        assertThat(gateway.onlyRow().completionTokens()).isEqualTo(89);
    }

    @Test
    void a_stream_cut_off_midway_ends_with_one_error_event_no_done_and_a_truncated_row() throws Exception {
        gateway.upstream().enqueue(eventStream()
                .body(TranslationCases.text("streaming-text", "anthropic-stream.txt"))
                .onResponseBody(new SocketEffect.CloseSocket())  // closes the socket halfway through the body
                .build());

        Reply reply = gateway.send(STREAM);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).doesNotContain("[DONE]");
        List<String> received = Sse.data(reply.body());
        assertThat(ErrorBody.of(received.getLast()).withoutMessage())
                .isEqualTo(ErrorBody.of("upstream_error", "upstream_unavailable", null));
        assertThat(received.subList(0, received.size() - 1)).noneMatch(event -> event.contains("error"));
        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.truncated()).isTrue();
        assertThat(row.errorCode()).isEqualTo("upstream_unavailable");
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        String arrived = Sse.contents(received.subList(0, received.size() - 1));
        assertThat(row.completionTokens()).isEqualTo(new TokenCounter().count(arrived, AnthropicProviderTest.MODEL));
    }

    @Test
    void a_stream_that_ends_without_message_stop_gets_one_error_event_after_everything_it_sent() throws Exception {
        String transcript = TranslationCases.text("streaming-text", "anthropic-stream.txt");
        gateway.upstream().enqueue(eventStream()
                .body(transcript.substring(0, transcript.indexOf("event: message_delta")))
                .build());

        Reply reply = gateway.send(STREAM);

        List<String> received = Sse.data(reply.body());
        assertThat(Sse.contents(received)).isEqualTo("Hello, 世界!");
        ErrorBody error = ErrorBody.of(received.getLast());
        assertThat(error.code()).isEqualTo("upstream_unavailable");
        assertThat(error.message()).contains("message_stop");
        assertThat(reply.body()).doesNotContain("[DONE]");
        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.truncated()).isTrue();
    }

    @Test
    void an_error_event_ends_the_stream_with_one_openai_error_event() throws Exception {
        gateway.upstream().enqueue(transcript("streaming-error"));

        Reply reply = gateway.send(STREAM);

        List<String> received = Sse.data(reply.body());
        assertThat(received).hasSize(3);
        assertThat(Sse.contents(received)).isEqualTo("Hel");
        ErrorBody error = ErrorBody.of(received.getLast());
        assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("server_error", "upstream_overloaded", null));
        assertThat(error.message()).isEqualTo("Upstream provider 'Anthropic' failed mid-stream: Overloaded");
        assertThat(reply.body()).doesNotContain("[DONE]");
        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.errorCode()).isEqualTo("upstream_overloaded");
        assertThat(row.truncated()).isTrue();
    }

    @Test
    void an_error_answer_to_a_streaming_request_is_a_plain_error_response() throws Exception {
        gateway.upstream().enqueue(new MockResponse.Builder().code(429)
                .setHeader("Content-Type", "application/json")
                .body("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Slow down\"}}")
                .build());

        Reply reply = gateway.send(STREAM);

        assertThat(reply.status()).isEqualTo(429);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(ErrorBody.of(reply.body()).withoutMessage())
                .isEqualTo(ErrorBody.of("rate_limit_error", "rate_limit_exceeded", null));
        ProxyWithUpstream.assertFailedBeforeAnswer(gateway.onlyRow(), 429, "rate_limit_exceeded");
    }
}
