package nexus.proxy.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.MockWebServer;
import okhttp3.Response;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ScriptedSseBody;
import nexus.proxy.conversations.ChatSocket;
import nexus.proxy.routes.RoutedGateway.To;
import nexus.shared.db.Usage;

/**
 * A route's {@code first_token_timeout_ms}: a target whose stream sends no first chunk in time is cancelled and
 * recorded as a timeout, and the next target answers, on SSE, the WebSocket and /v1/messages; without it the slow
 * target answers.
 */
class FirstTokenTimeoutTest {

    private static final String KEY = "ttft-key";
    private static final long LIMIT_MILLIS = 300;
    private static final String STREAM =
            "{\"model\":\"steady\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @RegisterExtension
    final RoutedGateway gateway = new RoutedGateway();

    /** Holds the slow target's stream before its first chunk until released. */
    private final CountDownLatch release = new CountDownLatch(1);
    private ScriptedSseBody slowBody;
    private MockWebServer slow;
    private MockWebServer quick;
    private long slowId;
    private long quickId;
    private long routeId;

    @BeforeEach
    void slowThenQuick() throws Exception {
        slow = gateway.upstream();
        quick = gateway.upstream();
        slowId = gateway.provider("Slow", slow, KEY, "");
        quickId = gateway.provider("Quick", quick, KEY, "");
        gateway.model(slowId, "m");
        gateway.model(quickId, "m");
        routeId = gateway.route("steady", "priority", To.of(slowId, "m"), To.of(quickId, "m"));
        slowBody = new ScriptedSseBody().await(release).events(answer("late", " answer"));
        quick.enqueue(OpenAiReplies.stream(answer("quick", " answer")));
    }

    @AfterEach
    void releaseTheSlowStream() {
        release.countDown();
    }

    @Test
    void a_stream_without_a_first_chunk_in_time_is_answered_by_the_next_target() throws Exception {
        slow.enqueue(slowBody.response());
        limitFirstToken(LIMIT_MILLIS);

        try (Response response = gateway.proxy().execute(gateway.proxy().post("/v1/chat/completions", KEY, STREAM))) {
            String body = response.body().string();
            assertThat(response.code()).as(body).isEqualTo(200);
            assertThat(response.header("X-Nexus-Attempts")).isEqualTo("2");
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Quick");
            assertThat(body).contains("quick").contains("[DONE]").doesNotContain("late");
        }
        assertAttemptRows("chat.completions");
        release.countDown();
        assertThat(slowBody.awaitReaderGone(Duration.ofSeconds(10))).as("the slow upstream call was cancelled")
                .isTrue();
    }

    @Test
    void without_the_setting_the_slow_target_answers() throws Exception {
        slow.enqueue(slowBody.response());
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
            try (Response response = gateway.proxy().execute(gateway.proxy().post("/v1/chat/completions", KEY,
                    STREAM))) {
                return response.code() + " " + response.header("X-Nexus-Attempts") + " "
                        + response.header("X-Nexus-Provider") + " " + response.body().string();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        assertThat(slow.takeRequest(5, TimeUnit.SECONDS)).as("the slow target is asked").isNotNull();
        assertThat(quick.takeRequest(3 * LIMIT_MILLIS, TimeUnit.MILLISECONDS)).as("no fallback while it waits")
                .isNull();
        release.countDown();
        assertThat(answer.get(10, TimeUnit.SECONDS)).startsWith("200 1 Slow ").contains("late")
                .doesNotContain("quick");
        assertThat(gateway.proxy().awaitUsageRows(1)).extracting(Usage::status, Usage::attempt)
                .containsExactly(tuple(200, 1));
    }

    @Test
    void a_websocket_frame_is_answered_by_the_next_target() throws Exception {
        slow.enqueue(slowBody.response());
        limitFirstToken(LIMIT_MILLIS);

        List<JsonNode> frames;
        try (ChatSocket socket = new ChatSocket(gateway.proxy(), KEY)) {
            frames = socket.ask(STREAM);
        }

        assertThat(frames.getLast().path("type").asText()).as("frames %s", frames).isEqualTo("done");
        StringBuilder text = new StringBuilder();
        frames.forEach(frame -> frame.path("data").path("choices")
                .forEach(choice -> text.append(choice.path("delta").path("content").asText(""))));
        assertThat(text).hasToString("quick answer");
        assertAttemptRows("ws.chat");
    }

    @Test
    void a_messages_stream_is_answered_by_the_next_target() throws Exception {
        slow.enqueue(slowBody.response());
        limitFirstToken(LIMIT_MILLIS);

        try (Response response = gateway.proxy().execute(gateway.proxy().post("/v1/messages", KEY,
                "{\"model\":\"steady\",\"max_tokens\":64,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))) {
            String body = response.body().string();
            assertThat(response.code()).as(body).isEqualTo(200);
            assertThat(response.header("X-Nexus-Attempts")).isEqualTo("2");
            assertThat(body).contains("quick").contains("message_stop").doesNotContain("late");
        }
        assertThat(gateway.proxy().awaitUsageRows(2)).extracting(Usage::providerId, Usage::status, Usage::errorCode,
                Usage::attempt).containsExactlyInAnyOrder(tuple(slowId, 504, "upstream_timeout", 1),
                tuple(quickId, 200, null, 2));
    }

    @Test
    void headers_later_than_the_limit_count_too() throws Exception {
        slow.enqueue(OpenAiReplies.stream(answer("late", " answer")).newBuilder()
                .headersDelay(5 * LIMIT_MILLIS, TimeUnit.MILLISECONDS).build());
        limitFirstToken(LIMIT_MILLIS);

        try (Response response = gateway.proxy().execute(gateway.proxy().post("/v1/chat/completions", KEY, STREAM))) {
            String body = response.body().string();
            assertThat(response.code()).as(body).isEqualTo(200);
            assertThat(response.header("X-Nexus-Attempts")).isEqualTo("2");
            assertThat(body).contains("quick").doesNotContain("late");
        }
        assertAttemptRows("chat.completions");
    }

    /** Sets the route's first_token_timeout_ms as the admin API stores it. */
    private void limitFirstToken(long millis) {
        try (Handle handle = gateway.proxy().database().openHandle()) {
            handle.execute("UPDATE route SET first_token_timeout_ms = ? WHERE id = ?", millis, routeId);
        }
    }

    /** One row per attempt: the slow target's timed out, the quick one's answered; both name the route. */
    private void assertAttemptRows(String endpoint) {
        assertThat(gateway.proxy().awaitUsageRows(2)).extracting(Usage::providerId, Usage::status, Usage::errorCode,
                Usage::attempt, Usage::route, Usage::endpoint).containsExactlyInAnyOrder(
                tuple(slowId, 504, "upstream_timeout", 1, "steady", endpoint),
                tuple(quickId, 200, null, 2, "steady", endpoint));
    }

    /** A whole answer's chunks and [DONE]. */
    private static List<String> answer(String... pieces) {
        List<String> events = new ArrayList<>(OpenAiReplies.answerChunks("m", pieces));
        events.add("[DONE]");
        return events;
    }
}
