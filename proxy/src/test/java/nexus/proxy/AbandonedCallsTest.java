package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.HangingUpstream.Answer;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.ModelType;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/**
 * A client that gives up while the proxy waits on a silent upstream, before its headers or in the middle of the
 * answer, with nothing being written to the client: the proxy cancels the upstream call at once (the upstream sees
 * its connection closed long before the read timeout) and records the request as 499 client_closed_request.
 */
class AbandonedCallsTest {

    private static final String KEY = "abandoning-client";
    private static final String CHAT = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String STREAMED_CHAT =
            "{\"model\":\"gpt-4\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    /** Far beyond the proxy's promise of about 200 ms, far below the 30 s read timeout of the test settings. */
    private static final Duration CANCELLED_WITHIN = Duration.ofSeconds(3);
    private static final Duration REQUEST_ARRIVES_WITHIN = Duration.ofSeconds(10);
    private static final Callback IGNORED = new Callback() {
        @Override
        public void onFailure(Call call, IOException e) {
        }

        @Override
        public void onResponse(Call call, Response response) {
            response.close();
        }
    };

    @TempDir
    Path dir;

    ProxyServer proxy;
    HangingUpstream upstream;

    private void start(Answer answer) throws IOException {
        upstream = HangingUpstream.start(answer);
        proxy = ProxyServer.start(NexusConfig.forTests(dir));
        long providerId = proxy.addProvider("Silent", ProviderKind.OPENAI, upstream.url("/v1"), KEY, "gpt-4");
        proxy.addModel(providerId, "embedder", ModelType.EMBEDDING);
        proxy.addProvider("Silent Anthropic", ProviderKind.ANTHROPIC, upstream.url("/v1"), KEY, "claude-x");
    }

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** Sends the request without waiting for its answer; returns once the upstream has it. */
    private Call sendAndAwaitUpstream(Request request) throws InterruptedException {
        Call call = proxy.client().newCall(request);
        call.enqueue(IGNORED);
        assertThat(upstream.awaitRequest(REQUEST_ARRIVES_WITHIN)).as("the upstream got the request").isTrue();
        return call;
    }

    private Usage assertCancelledAndRecorded() throws InterruptedException {
        assertThat(upstream.awaitClosed(CANCELLED_WITHIN)).as("the proxy closed its upstream connection").isTrue();
        List<Usage> rows = proxy.awaitUsageRows(1);
        assertThat(rows).hasSize(1);
        Usage row = rows.getFirst();
        assertThat(row.status()).isEqualTo(499);
        assertThat(row.errorCode()).isEqualTo("client_closed_request");
        return row;
    }

    @Test
    void a_json_request_abandoned_before_the_upstream_answers_is_cancelled_and_recorded_as_499() throws Exception {
        start(Answer.NOTHING);
        sendAndAwaitUpstream(proxy.post("/v1/chat/completions", KEY, CHAT)).cancel();

        Usage row = assertCancelledAndRecorded();
        assertThat(row.stream()).isFalse();
        assertThat(row.truncated()).isFalse();
        assertThat(row.usageSource()).isEqualTo(UsageSource.MISSING);
    }

    @Test
    void a_json_request_abandoned_while_the_upstream_body_is_slow_is_cancelled_and_recorded_as_499() throws Exception {
        start(Answer.JSON_START);
        sendAndAwaitUpstream(proxy.post("/v1/chat/completions", KEY, CHAT)).cancel();

        Usage row = assertCancelledAndRecorded();
        assertThat(row.truncated()).as("the answer had begun").isTrue();
        assertThat(row.promptTokens()).as("the prompt, estimated").isPositive();
    }

    @Test
    void a_stream_abandoned_before_the_upstream_answers_is_cancelled_and_recorded_as_499() throws Exception {
        start(Answer.NOTHING);
        sendAndAwaitUpstream(proxy.post("/v1/chat/completions", KEY, STREAMED_CHAT)).cancel();

        Usage row = assertCancelledAndRecorded();
        assertThat(row.stream()).isTrue();
        assertThat(row.truncated()).isFalse();
    }

    @Test
    void a_stream_abandoned_while_the_upstream_is_silent_mid_stream_is_cancelled_and_recorded_as_499()
            throws Exception {
        start(Answer.FIRST_EVENT);
        Call call = proxy.client().newCall(proxy.post("/v1/chat/completions", KEY, STREAMED_CHAT));
        try (Response response = call.execute()) {
            BufferedSource source = response.body().source();
            assertThat(Sse.next(source)).isEqualTo(OpenAiReplies.roleChunk("gpt-4"));
            call.cancel();  // the client goes away while the proxy waits for the upstream's next event
        }

        Usage row = assertCancelledAndRecorded();
        assertThat(row.stream()).isTrue();
        assertThat(row.truncated()).isTrue();
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
    }

    @Test
    void an_embeddings_request_abandoned_before_the_upstream_answers_is_cancelled_and_recorded_as_499()
            throws Exception {
        start(Answer.NOTHING);
        sendAndAwaitUpstream(proxy.post("/v1/embeddings", KEY, "{\"model\":\"embedder\",\"input\":\"Hi\"}")).cancel();

        Usage row = assertCancelledAndRecorded();
        assertThat(row.endpoint()).isEqualTo("embeddings");
        assertThat(row.truncated()).isFalse();
    }

    @Test
    void an_anthropic_messages_stream_abandoned_before_the_upstream_answers_is_cancelled_and_recorded_as_499()
            throws Exception {
        start(Answer.NOTHING);
        sendAndAwaitUpstream(proxy.postWithHeaders("/v1/messages", "{\"model\":\"claude-x\",\"max_tokens\":64,"
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "x-api-key", KEY))
                .cancel();

        Usage row = assertCancelledAndRecorded();
        assertThat(row.endpoint()).isEqualTo("messages");
        assertThat(row.stream()).isTrue();
    }

    @Test
    void a_websocket_that_drops_while_its_request_waits_cancels_the_upstream_call() throws Exception {
        start(Answer.NOTHING);
        WebSocket socket = proxy.client().newWebSocket(new Request.Builder().url(proxy.url("/ws/chat"))
                .header("Authorization", "Bearer " + KEY).build(), new WebSocketListener() { });
        assertThat(socket.send(CHAT)).isTrue();
        assertThat(upstream.awaitRequest(REQUEST_ARRIVES_WITHIN)).as("the upstream got the request").isTrue();
        socket.cancel();  // the connection drops without a close frame

        Usage row = assertCancelledAndRecorded();
        assertThat(row.endpoint()).isEqualTo("ws.chat");
    }

    @Test
    void a_request_whose_client_left_does_not_hold_up_shutdown() throws Exception {
        start(Answer.NOTHING);
        sendAndAwaitUpstream(proxy.post("/v1/chat/completions", KEY, CHAT)).cancel();

        long started = System.nanoTime();
        proxy.app().close(Duration.ofSeconds(20));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(upstream.awaitClosed(CANCELLED_WITHIN)).as("the proxy closed its upstream connection").isTrue();
        assertThat(proxy.usageRows()).singleElement()  // no polling: close has written every pending row
                .returns(499, Usage::status).returns("client_closed_request", Usage::errorCode);
    }
}
