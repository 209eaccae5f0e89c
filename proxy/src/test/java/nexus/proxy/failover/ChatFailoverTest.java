package nexus.proxy.failover;

import static nexus.proxy.failover.TwoProviders.CHAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.concurrent.TimeUnit;

import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.Response;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.RequestIds;
import nexus.shared.db.ModelType;
import nexus.shared.db.Usage;

/**
 * A model two providers serve, non-streamed: each retryable failure of the first provider is answered by the second,
 * with a usage row per attempt; an error not worth retrying reaches the client from the first.
 */
class ChatFailoverTest {

    @RegisterExtension
    final TwoProviders gateway = new TwoProviders();

    @Test
    void a_503_is_answered_by_the_second_provider() throws Exception {
        assertAnsweredBySecond(OpenAiReplies.json(503, "{\"error\":{\"message\":\"overloaded\"}}"), 503,
                "upstream_error");
    }

    @Test
    void a_429_is_answered_by_the_second_provider() throws Exception {
        assertAnsweredBySecond(OpenAiReplies.json(429,
                "{\"error\":{\"message\":\"slow down\",\"code\":\"rate_limit\"}}"), 429, "rate_limit");
    }

    @Test
    void a_500_is_answered_by_the_second_provider() throws Exception {
        assertAnsweredBySecond(OpenAiReplies.json(500, "{\"error\":{\"message\":\"boom\"}}"), 500, "upstream_error");
    }

    @Test
    void an_answer_cut_before_it_was_complete_is_answered_by_the_second_provider() throws Exception {
        assertAnsweredBySecond(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "lost", 5, 2)).newBuilder()
                .onResponseBody(new SocketEffect.CloseSocket()).build(), 502, "upstream_unavailable");
    }

    @Test
    void an_answer_later_than_the_read_timeout_is_answered_by_the_second_provider() throws Exception {
        assertAnsweredBySecond(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "too late", 5, 2)).newBuilder()
                .headersDelay(TwoProviders.READ_TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS).build(), 504,
                "upstream_timeout");
    }

    @Test
    void a_refused_connection_is_answered_by_the_second_provider() throws Exception {
        gateway.first().close();  // its port now refuses connections

        assertAnsweredBySecond(null, 502, "upstream_unavailable");
    }

    @Test
    void a_400_is_not_retried() throws Exception {
        gateway.first().enqueue(OpenAiReplies.json(400, "{\"error\":{\"message\":\"bad temperature\","
                + "\"type\":\"invalid_request_error\",\"param\":\"temperature\",\"code\":\"invalid_value\"}}"));

        try (Response response = gateway.chat(CHAT)) {
            assertThat(response.code()).isEqualTo(400);
            assertThat(ErrorBody.of(response.body().string()).withoutMessage())
                    .isEqualTo(ErrorBody.of("invalid_request_error", "invalid_value", "temperature"));
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("First");
            assertThat(response.header("X-Nexus-Attempts")).isEqualTo("1");
        }
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).singleElement()
                .satisfies(row -> assertThat(row.status()).isEqualTo(400));
        assertThat(gateway.second().getRequestCount()).isZero();
    }

    @Test
    void a_refused_server_key_moves_on_and_the_target_is_skipped_until_its_provider_changes() throws Exception {
        gateway.first().enqueue(OpenAiReplies.json(401, "{\"error\":{\"message\":\"invalid key\"}}"));
        gateway.second().enqueue(answer("from second"));
        gateway.second().enqueue(answer("again from second"));

        assertThat(gateway.send(CHAT).body()).contains("from second");
        try (Response response = gateway.chat(CHAT)) {
            assertThat(response.body().string()).contains("again from second");
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
            assertThat(response.header("X-Nexus-Attempts")).isEqualTo("1");
        }

        assertThat(gateway.first().getRequestCount()).as("skipped while misconfigured").isEqualTo(1);

        try (Handle handle = gateway.proxy().database().openHandle()) {
            handle.execute("UPDATE provider SET description = 'key rotated' WHERE id = ?", gateway.firstId());
        }
        gateway.first().enqueue(answer("first is back"));
        try (Response response = gateway.chat(CHAT)) {
            assertThat(response.body().string()).contains("first is back");
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("First");
        }

        List<Usage> rows = gateway.rows(4);
        assertThat(rows).extracting(Usage::providerId, Usage::status, Usage::attempt).containsExactly(
                tuple(gateway.firstId(), 502, 1), tuple(gateway.secondId(), 200, 2),
                tuple(gateway.secondId(), 200, 1), tuple(gateway.firstId(), 200, 1));
    }

    @Test
    void a_model_one_provider_serves_is_tried_once_and_its_error_reaches_the_client() throws Exception {
        gateway.proxy().addModel(gateway.firstId(), "solo", ModelType.CHAT);
        gateway.first().enqueue(OpenAiReplies.json(500, "{\"error\":{\"message\":\"boom\"}}"));

        try (Response response = gateway.chat(CHAT.replace("gpt-4", "solo"))) {
            assertThat(response.code()).isEqualTo(500);
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("First");
            assertThat(response.header("X-Nexus-Model")).isEqualTo("solo");
            assertThat(response.header("X-Nexus-Attempts")).isEqualTo("1");
        }
        assertThat(gateway.rows(1)).singleElement().satisfies(row -> assertThat(row.attempt()).isEqualTo(1));
    }

    /** The first provider fails with {@code failure} (none: it refuses), the second answers. */
    private void assertAnsweredBySecond(MockResponse failure, int failedStatus, String failedCode) throws Exception {
        if (failure != null) {
            gateway.first().enqueue(failure);
        }
        gateway.second().enqueue(answer("from second"));
        String requestId;

        try (Response response = gateway.chat(CHAT)) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.body().string()).contains("from second");
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
            assertThat(response.header("X-Nexus-Model")).isEqualTo("gpt-4");
            assertThat(response.header("X-Nexus-Attempts")).isEqualTo("2");
            requestId = response.header(RequestIds.HEADER);
        }

        List<Usage> rows = gateway.rows(2);
        Usage failed = rows.stream().filter(row -> row.attempt() == 1).findFirst().orElseThrow();
        Usage answered = rows.stream().filter(row -> row.attempt() == 2).findFirst().orElseThrow();
        assertThat(failed.providerId()).isEqualTo(gateway.firstId());
        assertThat(failed.status()).isEqualTo(failedStatus);
        assertThat(failed.errorCode()).isEqualTo(failedCode);
        assertThat(failed.requestId()).isEqualTo(requestId);
        assertThat(answered.providerId()).isEqualTo(gateway.secondId());
        assertThat(answered.status()).isEqualTo(200);
        assertThat(answered.requestId()).isEqualTo(requestId + "-2");
        assertThat(answered.promptTokens()).isEqualTo(5);
        assertThat(List.of(failed.route() == null, answered.route() == null)).containsOnly(true);
    }

    private static MockResponse answer(String content) {
        return OpenAiReplies.json(OpenAiReplies.completion("gpt-4", content, 5, 2));
    }
}
