package nexus.proxy.failover;

import static nexus.proxy.failover.TwoProviders.STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.Sse;
import nexus.shared.db.Usage;

/**
 * A model two providers serve, streamed: a failure before the client got a byte is answered by the second provider's
 * stream; a stream that broke after its first chunk reached the client ends with the error event, as before.
 */
class StreamFailoverTest {

    @RegisterExtension
    final TwoProviders gateway = new TwoProviders();

    @Test
    void a_503_before_the_stream_began_is_answered_by_the_second_provider() throws Exception {
        gateway.first().enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        gateway.second().enqueue(completeStream());

        assertStreamedBySecond(503);
    }

    @Test
    void a_stream_cut_before_its_first_chunk_is_answered_by_the_second_provider() throws Exception {
        gateway.first().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(OpenAiReplies.sse(List.of(OpenAiReplies.contentChunk("gpt-4", "never seen"))))
                .onResponseBody(new SocketEffect.CloseSocket())  // halfway through the only event
                .build());
        gateway.second().enqueue(completeStream());

        assertStreamedBySecond(502);
    }

    @Test
    void a_stream_cut_after_its_first_chunk_reached_the_client_is_not_retried() throws Exception {
        String longChunk = OpenAiReplies.contentChunk("gpt-4", "x".repeat(2_000));
        gateway.first().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(OpenAiReplies.sse(List.of(OpenAiReplies.contentChunk("gpt-4", "Hel"), longChunk)))
                .onResponseBody(new SocketEffect.CloseSocket())  // halfway through the long second event
                .build());

        try (Response response = gateway.chat(STREAM)) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("First");
            List<String> events = Sse.data(response.body().string());
            assertThat(Sse.content(events.getFirst())).isEqualTo("Hel");
            assertThat(events.getLast()).contains("\"error\"");
        }
        assertThat(gateway.rows(1)).singleElement().satisfies(row -> {
            assertThat(row.status()).isEqualTo(502);
            assertThat(row.truncated()).isTrue();
        });
        assertThat(gateway.second().getRequestCount()).isZero();
    }

    /** A whole stream: role, "Hello", " there", finish, [DONE]. */
    private static MockResponse completeStream() {
        List<String> events = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", "Hello", " there"));
        events.add("[DONE]");
        return OpenAiReplies.stream(events);
    }

    private void assertStreamedBySecond(int failedStatus) throws Exception {
        try (Response response = gateway.chat(STREAM)) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith("text/event-stream");
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
            assertThat(response.header("X-Nexus-Attempts")).isEqualTo("2");
            List<String> events = Sse.data(response.body().string());
            assertThat(Sse.contents(events)).isEqualTo("Hello there");
            assertThat(events).noneMatch(event -> event.contains("\"error\""));
            assertThat(events.getLast()).isEqualTo("[DONE]");
        }
        List<Usage> rows = gateway.rows(2);
        assertThat(rows).extracting(Usage::providerId, Usage::status, Usage::attempt, Usage::stream)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(gateway.firstId(), failedStatus, 1, true),
                        org.assertj.core.groups.Tuple.tuple(gateway.secondId(), 200, 2, true));
    }
}
