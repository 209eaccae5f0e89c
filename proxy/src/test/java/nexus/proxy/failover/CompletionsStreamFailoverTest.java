package nexus.proxy.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;

import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.Fixtures;
import nexus.proxy.GenerationIds;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.RequestIds;
import nexus.proxy.Sse;
import nexus.shared.db.Usage;

/**
 * Legacy completions streamed for a model two providers serve: a failure before the client got a byte is answered
 * by the second provider's stream; a stream that broke after its first chunk reached the client ends with the error
 * event.
 */
class CompletionsStreamFailoverTest {

    private static final String STREAM = "{\"model\":\"gpt-4\",\"prompt\":\"Say this is a test\",\"stream\":true}";

    @RegisterExtension
    final TwoProviders gateway = new TwoProviders();

    @Test
    void a_503_before_the_stream_began_is_answered_by_the_second_provider() throws Exception {
        gateway.first().enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));

        assertStreamedBySecond(503);
    }

    @Test
    void a_stream_cut_before_its_first_chunk_is_answered_by_the_second_provider() throws Exception {
        gateway.first().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(OpenAiReplies.sse(List.of(chunk("never seen"))))
                .onResponseBody(new SocketEffect.CloseSocket())  // halfway through the only event
                .build());

        assertStreamedBySecond(502);
    }

    @Test
    void a_stream_cut_after_its_first_chunk_reached_the_client_is_not_retried() throws Exception {
        gateway.first().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(OpenAiReplies.sse(List.of(chunk("Hel"), chunk("x".repeat(2_000)))))
                .onResponseBody(new SocketEffect.CloseSocket())  // halfway through the long second event
                .build());

        try (Response response = gateway.post("/v1/completions", STREAM)) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("First");
            List<String> events = Sse.data(response.body().string());
            assertThat(Sse.tree(events.getFirst()).path("choices").get(0).path("text").asText()).isEqualTo("Hel");
            assertThat(events.getLast()).contains("\"error\"");
        }
        assertThat(gateway.rows(1)).singleElement().satisfies(row -> {
            assertThat(row.status()).isEqualTo(502);
            assertThat(row.truncated()).isTrue();
        });
        assertThat(gateway.second().getRequestCount()).isZero();
    }

    private void assertStreamedBySecond(int failedStatus) throws Exception {
        gateway.second().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(Fixtures.read("completions/openai-stream.sse")).build());
        String requestId;

        try (Response response = gateway.post("/v1/completions", STREAM)) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith("text/event-stream");
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
            assertThat(response.header("X-Nexus-Attempts")).isEqualTo("2");
            requestId = response.header(RequestIds.HEADER);
            assertThat(response.header(GenerationIds.HEADER)).isEqualTo(requestId + "-2");
            List<String> events = Sse.data(response.body().string());
            assertThat(events.getFirst()).contains("\"This\"");
            assertThat(events).noneMatch(event -> event.contains("\"error\""));
            assertThat(events.getLast()).isEqualTo("[DONE]");
        }
        assertThat(gateway.rows(2)).extracting(Usage::requestId, Usage::providerId, Usage::status, Usage::attempt,
                Usage::stream).containsExactlyInAnyOrder(
                tuple(requestId, gateway.firstId(), failedStatus, 1, true),
                tuple(requestId + "-2", gateway.secondId(), 200, 2, true));
    }

    /** A legacy completion chunk carrying {@code text}. */
    private static String chunk(String text) {
        return "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1690759702,\"choices\":[{\"text\":"
                + OpenAiReplies.quote(text) + ",\"index\":0,\"logprobs\":null,\"finish_reason\":null}],"
                + "\"model\":\"gpt-4\"}";
    }
}
