package nexus.proxy.failover;

import static nexus.proxy.failover.TwoProviders.CHAT;
import static nexus.proxy.failover.TwoProviders.STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.Call;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.AnthropicReplies;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ScriptedSseBody;
import nexus.proxy.Sse;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.UpstreamHealth;

/**
 * What a call that ended after the client got its first byte tells its target's circuit: a stream the upstream broke
 * off (cut, or an error event) is a failure of that target, though not retried; a client that left is neither a
 * success nor a failure.
 */
class StreamOutcomeHealthTest {

    private static final int FAILURES_TO_OPEN = 5;

    /** {@code /v1/chat/completions}, relayed chunk by chunk. */
    @Nested
    class ChatCompletions {

        @RegisterExtension
        final TwoProviders gateway = new TwoProviders();

        @Test
        void streams_that_break_after_their_first_chunk_open_the_targets_circuit() throws Exception {
            for (int call = 0; call < FAILURES_TO_OPEN; call++) {
                gateway.first().enqueue(call % 2 == 0 ? cutAfterFirstChunk() : errorEventAfterFirstChunk());
                try (Response response = gateway.chat(STREAM)) {
                    assertThat(response.header("X-Nexus-Provider")).isEqualTo("First");
                    List<String> events = Sse.data(response.body().string());
                    assertThat(Sse.content(events.getFirst())).isEqualTo("Hel");
                    assertThat(events.getLast()).as("ends with the error event, as before").contains("\"error\"");
                }
            }
            assertThat(gateway.rows(FAILURES_TO_OPEN)).allSatisfy(row -> assertThat(row.status()).isEqualTo(502));
            assertThat(gateway.second().getRequestCount()).as("never retried: the client had bytes").isZero();

            gateway.first().enqueue(completeStream("from first"));
            gateway.second().enqueue(completeStream("from second"));
            try (Response response = gateway.chat(STREAM)) {
                assertThat(response.header("X-Nexus-Provider")).as("First's circuit is open").isEqualTo("Second");
                assertThat(response.header("X-Nexus-Attempts")).isEqualTo("1");
                assertThat(Sse.contents(Sse.data(response.body().string()))).isEqualTo("from second");
            }
            assertThat(gateway.first().getRequestCount()).isEqualTo(FAILURES_TO_OPEN);

            UpstreamHealth first = firstRow(gateway, row -> row.state().equals("open"));
            JsonNode report = Sse.tree(first.report());
            assertThat(report.path("requests").asInt()).isEqualTo(FAILURES_TO_OPEN);
            assertThat(report.path("error_rate").asDouble()).isEqualTo(1.0);
            assertThat(report.path("last_error").asText()).contains("after it began");
        }

        @Test
        void a_client_that_leaves_mid_stream_counts_neither_as_a_success_nor_as_a_failure() throws Exception {
            ScriptedSseBody slowStream = new ScriptedSseBody()
                    .event(OpenAiReplies.roleChunk("gpt-4"))
                    .repeat(OpenAiReplies.contentChunk("gpt-4", "tick "), 500, Duration.ofMillis(20))  // 10 s
                    .event("[DONE]");
            gateway.first().enqueue(slowStream.response());
            Call call = gateway.proxy().client().newCall(gateway.proxy().post("/v1/chat/completions",
                    TwoProviders.KEY, STREAM));
            try (Response response = call.execute()) {
                BufferedSource source = response.body().source();
                assertThat(Sse.next(source)).isEqualTo(OpenAiReplies.roleChunk("gpt-4"));
                assertThat(Sse.content(Sse.next(source))).isEqualTo("tick ");
                call.cancel();  // the client goes away mid-answer
            }
            assertThat(gateway.rows(1)).singleElement().satisfies(row -> assertThat(row.status()).isEqualTo(499));

            gateway.first().enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"first down\"}}"));
            gateway.second().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "from second", 5, 2)));
            try (Response response = gateway.chat(CHAT)) {
                assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
            }
            gateway.rows(3);

            UpstreamHealth first = firstRow(gateway, row -> row.report().contains("first down"));
            JsonNode report = Sse.tree(first.report());
            assertThat(report.path("requests").asInt()).as("only the 503 is in First's window").isEqualTo(1);
            assertThat(report.path("error_rate").asDouble()).isEqualTo(1.0);
        }
    }

    /** {@code /v1/messages} from providers of kind anthropic, relayed event by event. */
    @Nested
    class AnthropicMessages {

        private static final String STREAMED = "{\"model\":\"gpt-4\",\"max_tokens\":64,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

        @RegisterExtension
        final TwoProviders gateway = new TwoProviders(ProviderKind.ANTHROPIC);

        @Test
        void streams_that_break_after_their_first_event_open_the_targets_circuit() throws Exception {
            List<String[]> answer = AnthropicReplies.streamEvents("gpt-4", 5, 0, 2, "Hello", " there");
            List<String[]> broken = new ArrayList<>(answer.subList(0, 1));
            broken.add(new String[] {"error",
                    "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"});
            for (int call = 0; call < FAILURES_TO_OPEN; call++) {
                gateway.first().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                        .body(AnthropicReplies.sse(broken)).build());
                try (Response response = gateway.post("/v1/messages", STREAMED)) {
                    assertThat(response.header("X-Nexus-Provider")).isEqualTo("First");
                    assertThat(Sse.events(response.body().string())).extracting(Sse.Event::name)
                            .startsWith("message_start").endsWith("error");
                }
            }
            gateway.rows(FAILURES_TO_OPEN);

            gateway.first().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                    .body(AnthropicReplies.sse(answer)).build());
            gateway.second().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                    .body(AnthropicReplies.sse(answer)).build());
            try (Response response = gateway.post("/v1/messages", STREAMED)) {
                assertThat(response.header("X-Nexus-Provider")).as("First's circuit is open").isEqualTo("Second");
                assertThat(response.header("X-Nexus-Attempts")).isEqualTo("1");
            }
            assertThat(gateway.first().getRequestCount()).isEqualTo(FAILURES_TO_OPEN);
        }
    }

    /** The first provider's row, once one meets the condition. */
    private static UpstreamHealth firstRow(TwoProviders gateway, Predicate<UpstreamHealth> condition) {
        Predicate<UpstreamHealth> wanted = row -> row.providerId() == gateway.firstId() && condition.test(row);
        return gateway.awaitHealth(rows -> rows.stream().anyMatch(wanted)).stream().filter(wanted).findFirst()
                .orElseThrow();
    }

    /** "Hel" reaches the client, then the connection is cut halfway through a long second chunk. */
    private static MockResponse cutAfterFirstChunk() {
        String longChunk = OpenAiReplies.contentChunk("gpt-4", "x".repeat(2_000));
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(OpenAiReplies.sse(List.of(OpenAiReplies.contentChunk("gpt-4", "Hel"), longChunk)))
                .onResponseBody(new SocketEffect.CloseSocket())
                .build();
    }

    /** "Hel" reaches the client, then the upstream sends an error event. */
    private static MockResponse errorEventAfterFirstChunk() {
        return OpenAiReplies.stream(List.of(OpenAiReplies.contentChunk("gpt-4", "Hel"),
                "{\"error\":{\"message\":\"overloaded mid-stream\",\"type\":\"server_error\"}}"));
    }

    /** A whole stream of one piece of text. */
    private static MockResponse completeStream(String text) {
        List<String> events = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", text));
        events.add("[DONE]");
        return OpenAiReplies.stream(events);
    }
}
