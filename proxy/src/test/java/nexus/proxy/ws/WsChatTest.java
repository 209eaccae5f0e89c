package nexus.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/** WebSocket /ws/chat against a real proxy: frames in and out, authentication, order, usage rows, disconnects. */
class WsChatTest {

    private static final String KEY = "ws-client-key";
    private static final String MODEL = "mock-model";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Generous: the first request of a JVM loads the tokenizer, and CI machines are busy. */
    private static final int FRAME_TIMEOUT_SECONDS = 30;

    @StartStop
    final MockWebServer upstream = new MockWebServer();

    @TempDir
    Path dir;

    ProxyServer proxy;
    final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        proxy.addProvider("Mock", ProviderKind.MOCK, "mock://local?chunks=3&delay_ms=0", KEY, MODEL);
    }

    @AfterEach
    void stop() {
        sockets.forEach(Socket::close);
        proxy.close();
    }

    @Test
    void a_request_streams_chunk_frames_then_a_done_frame_with_usage() throws Exception {
        Socket socket = connect(null);
        socket.send(request(MODEL, "Hello over the socket, 你好!", "\"api_key\":\"" + KEY + "\""));

        List<JsonNode> frames = socket.untilEnd();
        List<JsonNode> chunks = frames.subList(0, frames.size() - 1);
        assertThat(chunks).hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(frame -> assertThat(frame.path("type").asText()).isEqualTo("chunk"))
                .allSatisfy(frame -> assertThat(frame.path("data").path("object").asText())
                        .isEqualTo("chat.completion.chunk"));
        assertThat(content(frames)).isEqualTo("Hello over the socket, 你好!");

        JsonNode done = frames.getLast();
        assertThat(done.path("type").asText()).isEqualTo("done");
        assertThat(done.path("id").asText()).isEqualTo(chunks.getFirst().path("data").path("id").asText())
                .startsWith("chatcmpl-");
        assertThat(done.path("request_id").asText()).startsWith("req_");
        assertThat(done.path("conversation_id").asText()).startsWith("conv_");
        assertThat(done.path("usage_source").asText()).isEqualTo("reported");
        JsonNode usage = done.path("usage");
        assertThat(usage.path("prompt_tokens").asLong()).isPositive();
        assertThat(usage.path("completion_tokens").asLong()).isPositive();
        assertThat(usage.path("total_tokens").asLong())
                .isEqualTo(usage.path("prompt_tokens").asLong() + usage.path("completion_tokens").asLong());

        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(row.endpoint()).isEqualTo("ws.chat");
        assertThat(row.stream()).isTrue();
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.truncated()).isFalse();
        assertThat(row.requestId()).isEqualTo(done.path("request_id").asText());
        assertThat(row.conversationId()).isEqualTo(done.path("conversation_id").asText());
        assertThat(row.apiKey()).isEqualTo(KEY);
        assertThat(row.totalTokens()).isEqualTo(usage.path("total_tokens").asLong());
    }

    @Test
    void the_authorization_header_of_the_upgrade_authenticates_every_frame() throws Exception {
        Socket socket = connect(new Request.Builder().header("Authorization", "Bearer " + KEY));
        socket.send(request(MODEL, "first", ""));
        assertThat(content(socket.untilEnd())).isEqualTo("first");
        socket.send(request(MODEL, "second", ""));
        assertThat(content(socket.untilEnd())).isEqualTo("second");
    }

    @Test
    void a_frame_without_any_key_is_answered_with_missing_api_key_and_a_later_key_still_works() throws Exception {
        Socket socket = connect(null);
        socket.send(request(MODEL, "no key", ""));
        assertError(socket.next(), "missing_api_key", "invalid_request_error");

        socket.send(request(MODEL, "now with a key", "\"api_key\":\"" + KEY + "\""));
        assertThat(content(socket.untilEnd())).isEqualTo("now with a key");
        socket.send(request(MODEL, "the key is remembered", ""));
        assertThat(content(socket.untilEnd())).isEqualTo("the key is remembered");
        assertThat(proxy.awaitUsageRows(2)).hasSize(2);
    }

    @Test
    void a_wrong_key_is_answered_with_invalid_api_key() throws Exception {
        Socket socket = connect(null);
        socket.send(request(MODEL, "hi", "\"api_key\":\"not-a-key\""));
        assertError(socket.next(), "invalid_api_key", "invalid_request_error");

        socket.send(request(MODEL, "hi", "\"api_key\":\"" + KEY + "\""));
        assertThat(content(socket.untilEnd())).isEqualTo("hi");
        socket.send(request(MODEL, "hi", "\"api_key\":\"another-wrong-key\""));
        assertError(socket.next(), "invalid_api_key", "invalid_request_error");
    }

    @Test
    void bad_frames_are_answered_with_invalid_request_and_the_connection_serves_the_next_one() throws Exception {
        Socket socket = connect(new Request.Builder().header("Authorization", "Bearer " + KEY));
        socket.send("this is not JSON");
        socket.send("[1, 2, 3]");
        socket.send("{\"model\":\"" + MODEL + "\"}");
        socket.send("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"api_key\":42}");
        socket.sendBinary(ByteString.encodeUtf8(request(MODEL, "binary", "")));
        socket.send(request(MODEL, "still here", ""));

        assertError(socket.next(), "invalid_request", "invalid_request_error");
        assertError(socket.next(), "invalid_request", "invalid_request_error");
        assertThat(assertError(socket.next(), "invalid_request", "invalid_request_error").path("param").asText())
                .isEqualTo("messages");
        assertThat(assertError(socket.next(), "invalid_request", "invalid_request_error").path("param").asText())
                .isEqualTo("api_key");
        assertError(socket.next(), "invalid_request", "invalid_request_error");
        assertThat(content(socket.untilEnd())).isEqualTo("still here");
        assertThat(proxy.awaitUsageRows(1)).hasSize(1);
    }

    @Test
    void a_frame_that_could_mean_another_request_upstream_is_refused_naming_the_problem() throws Exception {
        Socket socket = connect(new Request.Builder().header("Authorization", "Bearer " + KEY));
        String frame = request(MODEL, "hi", "");
        socket.send(frame.substring(0, frame.length() - 1) + ",\"model\":\"another-model\"}");
        socket.send(frame + "{\"model\":\"another-model\"}");
        socket.send("\uFEFF" + frame);
        socket.send(request(MODEL, "still here", ""));

        assertThat(assertError(socket.next(), "invalid_request", "invalid_request_error").path("message").asText())
                .contains("'model'", "more than once");
        assertThat(assertError(socket.next(), "invalid_request", "invalid_request_error").path("message").asText())
                .contains("after");
        assertThat(assertError(socket.next(), "invalid_request", "invalid_request_error").path("message").asText())
                .contains("byte order mark");
        assertThat(content(socket.untilEnd())).isEqualTo("still here");
        assertThat(proxy.awaitUsageRows(1)).singleElement().returns(MODEL, Usage::model);
    }

    @Test
    void an_unknown_model_is_answered_with_model_not_found_and_not_recorded() throws Exception {
        Socket socket = connect(null);
        socket.send(request("no-such-model", "hi", "\"api_key\":\"" + KEY + "\""));
        JsonNode error = assertError(socket.next(), "model_not_found", "invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo("model");
        assertThat(error.has("message")).isTrue();

        socket.send(request(MODEL, "after", ""));
        assertThat(content(socket.untilEnd())).isEqualTo("after");
        assertThat(proxy.awaitUsageRows(1)).singleElement().returns(MODEL, Usage::model);
    }

    @Test
    void frames_sent_at_once_are_answered_one_after_another_in_one_conversation() throws Exception {
        proxy.addProvider("Slow mock", ProviderKind.MOCK, "mock://local?chunks=4&delay_ms=20", KEY, "slow-model");
        Socket socket = connect(null);
        socket.send(request("slow-model", "the first question", "\"api_key\":\"" + KEY + "\""));
        socket.send(request("slow-model", "the second question", ""));
        socket.send(request(MODEL, "the third question", ""));

        List<JsonNode> first = socket.untilEnd();
        List<JsonNode> second = socket.untilEnd();
        List<JsonNode> third = socket.untilEnd();
        assertThat(content(first)).isEqualTo("the first question");
        assertThat(content(second)).isEqualTo("the second question");
        assertThat(content(third)).isEqualTo("the third question");
        String conversation = first.getLast().path("conversation_id").asText();
        assertThat(second.getLast().path("conversation_id").asText()).isEqualTo(conversation);
        assertThat(third.getLast().path("conversation_id").asText()).isEqualTo(conversation);

        List<Usage> rows = proxy.awaitUsageRows(3);
        assertThat(rows).hasSize(3)
                .allSatisfy(row -> assertThat(row.conversationId()).isEqualTo(conversation))
                .allSatisfy(row -> assertThat(row.endpoint()).isEqualTo("ws.chat"))
                .allSatisfy(row -> assertThat(row.status()).isEqualTo(200));
        assertThat(rows).extracting(Usage::requestId).containsExactlyInAnyOrder(
                first.getLast().path("request_id").asText(), second.getLast().path("request_id").asText(),
                third.getLast().path("request_id").asText());
    }

    @Test
    void the_conversation_comes_from_the_frame_else_the_upgrade_header_or_query() throws Exception {
        Socket socket = connect(new Request.Builder().header("X-Conversation-Id", "conv-from-header"));
        socket.send(request(MODEL, "one", "\"api_key\":\"" + KEY + "\""));
        assertThat(socket.untilEnd().getLast().path("conversation_id").asText()).isEqualTo("conv-from-header");
        socket.send(request(MODEL, "two", "\"conversation_id\":\"conv-from-frame\""));
        assertThat(socket.untilEnd().getLast().path("conversation_id").asText()).isEqualTo("conv-from-frame");
        socket.send(request(MODEL, "three", ""));
        assertThat(socket.untilEnd().getLast().path("conversation_id").asText()).isEqualTo("conv-from-header");
        socket.send(request(MODEL, "four", "\"conversation_id\":\"../etc\""));
        assertThat(assertError(socket.next(), "invalid_request", "invalid_request_error").path("param").asText())
                .isEqualTo("conversation_id");

        Socket byQuery = connect(new Request.Builder(), "?conversation_id=conv-from-query");
        byQuery.send(request(MODEL, "five", "\"api_key\":\"" + KEY + "\""));
        assertThat(byQuery.untilEnd().getLast().path("conversation_id").asText()).isEqualTo("conv-from-query");

        assertThat(proxy.awaitUsageRows(4)).extracting(Usage::conversationId).containsExactlyInAnyOrder(
                "conv-from-header", "conv-from-frame", "conv-from-header", "conv-from-query");
    }

    @Test
    void a_client_closing_mid_stream_cancels_the_answer_and_is_recorded_as_499() throws Exception {
        proxy.addProvider("Slow mock", ProviderKind.MOCK, "mock://local?chunks=20&delay_ms=200", KEY, "slow-model");
        Socket socket = connect(null);
        socket.send(request("slow-model", "a long answer that the client will not wait for",
                "\"api_key\":\"" + KEY + "\""));
        assertThat(socket.next().path("type").asText()).isEqualTo("chunk");  // the role chunk
        assertThat(socket.next().path("type").asText()).isEqualTo("chunk");  // the first piece
        socket.webSocket.close(1000, "bye");

        List<Usage> rows = proxy.awaitUsageRows(1);
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.status()).isEqualTo(499);
            assertThat(row.truncated()).isTrue();
            assertThat(row.endpoint()).isEqualTo("ws.chat");
            assertThat(row.errorCode()).isEqualTo("client_closed_request");
        });
    }

    @Test
    void a_client_sending_far_ahead_of_its_answers_is_cut_off() throws Exception {
        proxy.addProvider("Slow mock", ProviderKind.MOCK, "mock://local?chunks=20&delay_ms=200", KEY, "slow-model");
        Socket socket = connect(new Request.Builder().header("Authorization", "Bearer " + KEY));
        socket.send(request("slow-model", "a long answer", ""));
        assertThat(socket.next().path("type").asText()).isEqualTo("chunk");
        for (int waiting = 0; waiting <= ChatConnection.MAX_WAITING; waiting++) {
            socket.send(request(MODEL, "and another", ""));
        }
        assertThat(socket.closeCode()).isEqualTo(1008);  // RFC 6455: policy violation
        assertThat(proxy.awaitUsageRows(1)).singleElement().returns(499, Usage::status);
    }

    @Test
    void nexus_fields_never_reach_the_upstream_and_the_answer_always_streams() throws Exception {
        proxy.addProvider("Remote", ProviderKind.OPENAI, upstream.url("/v1").toString(), KEY, "remote-model");
        upstream.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(sse("Hel", "lo"))
                .build());
        Socket socket = connect(null);
        socket.send("{\"model\":\"remote-model\",\"stream\":false,\"temperature\":0.5,\"api_key\":\"" + KEY
                + "\",\"conversation_id\":\"conv-secret\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        List<JsonNode> frames = socket.untilEnd();
        assertThat(content(frames)).isEqualTo("Hello");
        JsonNode done = frames.getLast();
        assertThat(done.path("id").asText()).isEqualTo("chatcmpl-upstream");
        assertThat(done.path("usage").path("total_tokens").asLong()).isEqualTo(12);
        assertThat(done.path("usage_source").asText()).isEqualTo("reported");
        assertThat(frames).filteredOn(frame -> frame.path("type").asText().equals("chunk"))
                .noneMatch(frame -> frame.path("data").path("choices").isEmpty());  // not asked for: usage chunk hidden

        RecordedRequest sent = upstream.takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent).isNotNull();
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer upstream-secret-key");
        JsonNode body = MAPPER.readTree(sent.getBody().utf8());
        assertThat(body.has("api_key")).isFalse();
        assertThat(body.has("conversation_id")).isFalse();
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(sent.getBody().utf8()).doesNotContain(KEY).doesNotContain("conv-secret");
        assertThat(proxy.awaitUsageRows(1)).singleElement().returns("conv-secret", Usage::conversationId);
    }

    @Test
    void a_mock_provider_answers_the_socket_with_its_echo_in_chunk_frames() throws Exception {
        proxy.addProvider("Mock", ProviderKind.MOCK, "mock://local?chunks=3&delay_ms=0", KEY, "echo-model");
        Socket socket = connect(null);
        socket.send(request("echo-model", "echo this back", "\"api_key\":\"" + KEY + "\""));

        List<JsonNode> frames = socket.untilEnd();
        assertThat(content(frames)).isEqualTo("echo this back");
        assertThat(frames.size()).isGreaterThan(3);
        JsonNode done = frames.getLast();
        assertThat(done.path("type").asText()).isEqualTo("done");
        assertThat(done.path("usage_source").asText()).isEqualTo("reported");
        assertThat(upstream.getRequestCount()).isZero();
    }

    @Test
    void an_anthropic_provider_answers_the_socket_in_openai_chunk_frames() throws Exception {
        proxy.addProvider("Anthropic", ProviderKind.ANTHROPIC, upstream.url("/v1").toString(), KEY, "claude-model");
        upstream.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body("""
                        event: message_start
                        data: {"type":"message_start","message":{"id":"msg_ws","type":"message","role":"assistant",\
                        "model":"claude-model","content":[],"stop_reason":null,"usage":{"input_tokens":7,"output_tokens":1}}}

                        event: content_block_start
                        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                        event: content_block_delta
                        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}

                        event: content_block_delta
                        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}

                        event: message_delta
                        data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}

                        event: message_stop
                        data: {"type":"message_stop"}

                        """)
                .build());
        Socket socket = connect(null);
        socket.send(request("claude-model", "hi", "\"api_key\":\"" + KEY + "\""));

        List<JsonNode> frames = socket.untilEnd();
        assertThat(content(frames)).isEqualTo("Hello");
        assertThat(frames.getFirst().path("data").path("object").asText()).isEqualTo("chat.completion.chunk");
        JsonNode done = frames.getLast();
        assertThat(done.path("id").asText()).isEqualTo("msg_ws");
        assertThat(done.path("usage").path("total_tokens").asLong()).isEqualTo(9);
        assertThat(done.path("usage_source").asText()).isEqualTo("reported");
        RecordedRequest sent = upstream.takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent).isNotNull();
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/messages");
        assertThat(MAPPER.readTree(sent.getBody().utf8()).path("stream").asBoolean()).isTrue();
    }

    @Test
    void an_upstream_failure_before_the_stream_is_one_error_frame() throws Exception {
        proxy.addProvider("Remote", ProviderKind.OPENAI, upstream.url("/v1").toString(), KEY, "remote-model");
        upstream.enqueue(new MockResponse.Builder().code(503).body("overloaded").build());
        Socket socket = connect(null);
        socket.send(request("remote-model", "hi", "\"api_key\":\"" + KEY + "\""));

        JsonNode error = assertError(socket.next(), "upstream_error", "upstream_error");
        assertThat(error.path("message").asText()).contains("503").contains("overloaded");
        assertThat(proxy.awaitUsageRows(1)).singleElement().satisfies(row -> {
            assertThat(row.endpoint()).isEqualTo("ws.chat");
            assertThat(row.status()).isEqualTo(503);
        });
    }

    @Test
    void a_frame_may_be_as_large_as_a_request_body_and_no_larger() throws Exception {
        String large = "x".repeat(200_000);  // over Jetty's default of 64 KiB
        Socket socket = connect(new Request.Builder().header("Authorization", "Bearer " + KEY));
        socket.send(request(MODEL, large, ""));
        assertThat(content(socket.untilEnd())).isEqualTo(large);
        socket.close();
        proxy.close();

        NexusConfig small = NexusConfig.forTests(dir.resolve("small"));
        proxy = ProxyServer.start(small.withMaxRequestBytes(4096));
        proxy.addProvider("Mock", ProviderKind.MOCK, "mock://local?chunks=3&delay_ms=0", KEY, MODEL);
        Socket limited = connect(new Request.Builder().header("Authorization", "Bearer " + KEY));
        limited.send(request(MODEL, "y".repeat(8_000), ""));
        assertThat(limited.closeCode()).isEqualTo(1009);  // RFC 6455: message too big
    }

    @Test
    void a_stop_lets_the_running_stream_finish_and_refuses_new_requests_with_shutting_down() throws Exception {
        proxy.addProvider("Slow mock", ProviderKind.MOCK, "mock://local?chunks=10&delay_ms=100", KEY, "slow-model");
        Socket streaming = connect(new Request.Builder().header("Authorization", "Bearer " + KEY));
        Socket other = connect(new Request.Builder().header("Authorization", "Bearer " + KEY));
        streaming.send(request("slow-model", "a stream that is running when the stop begins", ""));
        assertThat(streaming.next().path("type").asText()).isEqualTo("chunk");

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> proxy.app().close(Duration.ofSeconds(10)));
        JsonNode answer = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {  // until the drain has begun, a request is still served
            other.send(request(MODEL, "are you stopping?", ""));
            answer = other.untilEnd().getLast();
            if (answer.path("type").asText().equals("error")) {
                break;
            }
        }
        assertThat(answer).isNotNull();
        assertError(answer, "shutting_down", answer.path("error").path("type").asText());

        List<JsonNode> rest = streaming.untilEnd();
        assertThat(rest.getLast().path("type").asText()).isEqualTo("done");
        stopped.get(15, TimeUnit.SECONDS);
    }

    // ---- helpers ----

    private static String request(String model, String content, String extraFields) throws Exception {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                + MAPPER.writeValueAsString(content) + "}]" + (extraFields.isEmpty() ? "" : "," + extraFields) + "}";
    }

    /** The assistant text of one answer, assembled from its chunk frames. */
    private static String content(List<JsonNode> frames) {
        assertThat(frames.getLast().path("type").asText()).as("last frame %s", frames.getLast()).isEqualTo("done");
        StringBuilder text = new StringBuilder();
        frames.stream().filter(frame -> frame.path("type").asText().equals("chunk"))
                .forEach(frame -> frame.path("data").path("choices")
                        .forEach(choice -> text.append(choice.path("delta").path("content").asText(""))));
        return text.toString();
    }

    /** Asserts an error frame and returns its {@code error} object. */
    private static JsonNode assertError(JsonNode frame, String code, String type) {
        assertThat(frame.path("type").asText()).as("frame %s", frame).isEqualTo("error");
        JsonNode error = frame.path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("type").asText()).isEqualTo(type);
        assertThat(error.has("param")).isTrue();
        assertThat(error.path("message").asText()).isNotBlank();
        return error;
    }

    private static String sse(String... pieces) {
        return OpenAiReplies.sseBody("chatcmpl-upstream", "remote-model", 1, 9, 3, List.of(pieces));
    }

    private Socket connect(Request.Builder request) {
        return connect(request, "");
    }

    private Socket connect(Request.Builder request, String query) {
        Request.Builder builder = request == null ? new Request.Builder() : request;
        Socket socket = new Socket();
        socket.webSocket = proxy.client().newWebSocket(
                builder.url("ws://127.0.0.1:" + proxy.port() + "/ws/chat" + query).build(), socket);
        sockets.add(socket);
        return socket;
    }

    /** A WebSocket client that queues what it receives, for the test thread to take with a timeout. */
    static final class Socket extends WebSocketListener implements AutoCloseable {

        final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket webSocket;

        void send(String text) {
            assertThat(webSocket.send(text)).isTrue();
        }

        void sendBinary(ByteString bytes) {
            assertThat(webSocket.send(bytes)).isTrue();
        }

        JsonNode next() throws Exception {
            String text = frames.poll(FRAME_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (text == null) {
                fail("No frame within %d s (closed: %s)", FRAME_TIMEOUT_SECONDS, closed.getNow(null));
            }
            return MAPPER.readTree(text);
        }

        /** The frames of one answer: up to and including its done or error frame. */
        List<JsonNode> untilEnd() throws Exception {
            List<JsonNode> answer = new ArrayList<>();
            JsonNode frame;
            do {
                frame = next();
                answer.add(frame);
            } while (frame.path("type").asText().equals("chunk"));
            return answer;
        }

        int closeCode() throws Exception {
            return closed.get(FRAME_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void onMessage(WebSocket socket, String text) {
            frames.add(text);
        }

        @Override
        public void onClosing(WebSocket socket, int code, String reason) {
            closed.complete(code);
            socket.close(code, null);
        }

        @Override
        public void onFailure(WebSocket socket, Throwable failure, Response response) {
            closed.complete(-1);
        }

        @Override
        public void close() {
            webSocket.cancel();
        }
    }
}
