package nexus.proxy.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;

import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.Response;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ErrorBody;
import nexus.proxy.GenerationIds;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.RequestIds;
import nexus.shared.db.Usage;

/**
 * POST /v1/responses for a model two providers serve, translated through a chat completion and native: a failure
 * before the client got a byte is answered by the second provider; a 400 is not retried; a stream that broke after
 * its first event reached the client ends with the error event.
 */
class ResponsesFailoverTest {

    private static final String REQUEST = "{\"model\":\"gpt-4\",\"input\":\"Hi\"}";
    private static final String STREAM = "{\"model\":\"gpt-4\",\"input\":\"Hi\",\"stream\":true}";
    private static final String NATIVE_RESPONSE = "{\"id\":\"resp_up1\",\"object\":\"response\",\"status\":"
            + "\"completed\",\"model\":\"gpt-4\",\"output\":[{\"type\":\"message\",\"id\":\"msg_up1\",\"status\":"
            + "\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"from second\","
            + "\"annotations\":[]}]}],\"usage\":{\"input_tokens\":11,\"output_tokens\":2,\"total_tokens\":13}}";
    private static final String CREATED = "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":{"
            + "\"id\":\"resp_up2\",\"object\":\"response\",\"status\":\"in_progress\",\"output\":[]}}";
    private static final String COMPLETED = "{\"type\":\"response.completed\",\"sequence_number\":2,\"response\":{"
            + "\"id\":\"resp_up2\",\"object\":\"response\",\"status\":\"completed\",\"output\":[],\"usage\":{"
            + "\"input_tokens\":9,\"output_tokens\":1,\"total_tokens\":10}}}";

    @RegisterExtension
    final TwoProviders gateway = new TwoProviders();

    @Test
    void translated_a_503_is_answered_by_the_second_provider() throws Exception {
        gateway.first().enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        gateway.second().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "from second", 5, 2)));

        assertAnsweredBySecond(REQUEST, "from second", 503);
    }

    @Test
    void translated_a_400_is_not_retried() throws Exception {
        gateway.first().enqueue(OpenAiReplies.json(400, "{\"error\":{\"message\":\"bad temperature\","
                + "\"type\":\"invalid_request_error\",\"param\":\"temperature\",\"code\":\"invalid_value\"}}"));

        try (Response response = gateway.post("/v1/responses", REQUEST)) {
            assertThat(response.code()).isEqualTo(400);
            assertThat(ErrorBody.of(response.body().string()).withoutMessage())
                    .isEqualTo(ErrorBody.of("invalid_request_error", "invalid_value", "temperature"));
            assertThat(response.header("X-Nexus-Attempts")).isEqualTo("1");
        }
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).singleElement()
                .satisfies(row -> assertThat(row.status()).isEqualTo(400));
        assertThat(gateway.second().getRequestCount()).isZero();
    }

    @Test
    void translated_a_stream_cut_before_its_first_chunk_is_answered_by_the_second_provider() throws Exception {
        gateway.first().enqueue(cut(OpenAiReplies.sse(List.of(OpenAiReplies.contentChunk("gpt-4", "never seen")))));
        List<String> chunks = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", "from", " second"));
        chunks.add("[DONE]");
        gateway.second().enqueue(OpenAiReplies.stream(chunks));

        assertAnsweredBySecond(STREAM, "response.completed", 502);
    }

    @Test
    void translated_a_stream_cut_after_its_first_chunk_is_not_retried() throws Exception {
        gateway.first().enqueue(cut(OpenAiReplies.sse(List.of(OpenAiReplies.contentChunk("gpt-4", "Hel"),
                OpenAiReplies.contentChunk("gpt-4", "x".repeat(2_000))))));

        assertBrokenOnFirst();
    }

    @Test
    void native_a_503_is_answered_by_the_second_provider() throws Exception {
        speakNative();
        gateway.first().enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        gateway.second().enqueue(OpenAiReplies.json(NATIVE_RESPONSE));

        assertAnsweredBySecond(REQUEST, "from second", 503);
        assertThat(gateway.second().takeRequest().getUrl().encodedPath()).isEqualTo("/v1/responses");
    }

    @Test
    void native_a_stream_cut_before_its_first_event_is_answered_by_the_second_provider() throws Exception {
        speakNative();
        gateway.first().enqueue(cut(event("response.created", CREATED)));
        gateway.second().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(event("response.created", CREATED) + event("response.completed", COMPLETED)).build());

        assertAnsweredBySecond(STREAM, "response.completed", 502);
    }

    @Test
    void native_a_stream_cut_after_its_first_event_is_not_retried() throws Exception {
        speakNative();
        gateway.first().enqueue(cut(event("response.created", CREATED) + event("response.output_text.delta",
                "{\"type\":\"response.output_text.delta\",\"delta\":\"" + "x".repeat(2_000) + "\"}")));

        assertBrokenOnFirst();
    }

    /** Both providers now serve the Responses API themselves. */
    private void speakNative() {
        try (Handle handle = gateway.proxy().database().openHandle()) {
            handle.execute("UPDATE provider SET responses = 'native'");
        }
    }

    private void assertAnsweredBySecond(String request, String expected, int failedStatus) throws Exception {
        String requestId;
        try (Response response = gateway.post("/v1/responses", request)) {
            assertThat(response.code()).isEqualTo(200);
            String body = response.body().string();
            assertThat(body).contains(expected).doesNotContain("event: error");
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
            assertThat(response.header("X-Nexus-Attempts")).isEqualTo("2");
            requestId = response.header(RequestIds.HEADER);
            assertThat(response.header(GenerationIds.HEADER)).isEqualTo(requestId + "-2");
        }
        assertThat(gateway.rows(2)).extracting(Usage::requestId, Usage::providerId, Usage::status, Usage::attempt,
                Usage::endpoint).containsExactlyInAnyOrder(
                tuple(requestId, gateway.firstId(), failedStatus, 1, "responses"),
                tuple(requestId + "-2", gateway.secondId(), 200, 2, "responses"));
    }

    private void assertBrokenOnFirst() throws Exception {
        try (Response response = gateway.post("/v1/responses", STREAM)) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("First");
            String body = response.body().string();
            assertThat(body).startsWith("event: response.created");
            assertThat(body).contains("event: error");
        }
        assertThat(gateway.rows(1)).singleElement().satisfies(row -> {
            assertThat(row.status()).isEqualTo(502);
            assertThat(row.truncated()).isTrue();
        });
        assertThat(gateway.second().getRequestCount()).isZero();
    }

    /** A stream whose connection closes halfway through {@code body}. */
    private static MockResponse cut(String body) {
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(body)
                .onResponseBody(new SocketEffect.CloseSocket()).build();
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }
}
