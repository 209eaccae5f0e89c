package nexus.proxy;

import static nexus.proxy.ProxyWithUpstream.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import okhttp3.OkHttpClient;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.shared.db.Usage;

/** An orderly stop: running streams finish, their rows are written, and new requests meanwhile get 503. */
class ShutdownTest {

    private static final String CHAT = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();  // before the fixture closes the proxy
    }

    /** Sends requests that would be 401 until one is 503: the proxy has begun to drain. Deadline 10 s. */
    private void awaitDraining() throws Exception {
        OkHttpClient poller = gateway.proxy().client().newBuilder().readTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Response response = poller.newCall(gateway.proxy().post("/v1/chat/completions", null, CHAT))
                    .execute()) {
                if (response.code() == 503) {
                    return;
                }
                assertThat(response.code()).isEqualTo(401);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        throw new AssertionError("The proxy never began to drain");
    }

    @Test
    void a_running_stream_finishes_during_close_and_new_requests_get_503() throws Exception {
        gateway.upstream().enqueue(new ScriptedSseBody()
                .event(OpenAiReplies.roleChunk("gpt-4"))
                .event(OpenAiReplies.contentChunk("gpt-4", "Hel"))
                .await(release)
                .event(OpenAiReplies.contentChunk("gpt-4", "lo"))
                .event(OpenAiReplies.finishChunk("gpt-4"))
                .event(OpenAiReplies.usageChunk("gpt-4", 8, 2))
                .event("[DONE]")
                .response());
        OkHttpClient client = gateway.proxy().client().newBuilder().readTimeout(Duration.ofSeconds(10)).build();

        try (Response stream = client.newCall(gateway.proxy().post("/v1/chat/completions", KEY,
                "{\"model\":\"gpt-4\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .execute()) {
            BufferedSource source = stream.body().source();
            List<String> received = new ArrayList<>();
            received.add(Sse.next(source));
            received.add(Sse.next(source));
            assertThat(Sse.content(received.getLast())).isEqualTo("Hel");

            CompletableFuture<Void> closing = CompletableFuture.runAsync(
                    () -> gateway.proxy().app().close(Duration.ofSeconds(10)));
            awaitDraining();
            try (Response refused = gateway.chat(CHAT)) {
                assertThat(refused.code()).isEqualTo(503);
                assertThat(ErrorBody.of(refused.body().string()).withoutMessage())
                        .isEqualTo(ErrorBody.of("server_error", "shutting_down", null));
            }
            assertThat(closing).isNotDone();

            release.countDown();
            for (String event = Sse.next(source); event != null; event = Sse.next(source)) {
                received.add(event);
            }
            assertThat(Sse.contents(received)).isEqualTo("Hello");
            assertThat(received.getLast()).isEqualTo("[DONE]");

            closing.get(10, TimeUnit.SECONDS);
        }

        List<Usage> rows = gateway.proxy().usageRows();  // no polling: close has written every pending row
        assertThat(rows).hasSize(1);
        assertThat(rows.getFirst().status()).isEqualTo(200);
        assertThat(rows.getFirst().totalTokens()).isEqualTo(10);
        assertThat(gateway.upstream().getRequestCount()).isEqualTo(1);
    }

    @Test
    void an_answer_still_being_written_when_close_begins_reaches_the_client_whole() throws Exception {
        // More than the socket buffers between proxy and client hold: writing it takes the client's reading.
        String answer = OpenAiReplies.completion("gpt-4", "x".repeat(16 * 1024 * 1024), 4, 2);
        gateway.upstream().enqueue(OpenAiReplies.json(answer));

        try (Response response = gateway.chat(CHAT)) {
            assertThat(response.code()).isEqualTo(200);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(
                    () -> gateway.proxy().app().close(Duration.ofSeconds(10)));
            awaitDraining();
            assertThat(closing).as("close waits for the answer to be written").isNotDone();

            BufferedSource source = response.body().source();
            Buffer received = new Buffer();
            while (source.read(received, 64 * 1024) != -1) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(500));  // a slow client, not a synchronisation
            }
            String nexus = ",\"nexus\":{\"generation_id\":\"" + response.header("X-Nexus-Generation-Id")
                    + "\",\"route\":null}";
            int close = answer.lastIndexOf('}');
            assertThat(received.size()).isEqualTo(answer.length() + nexus.length());
            assertThat(received.readUtf8()).isEqualTo(answer.substring(0, close) + nexus + answer.substring(close));

            closing.get(10, TimeUnit.SECONDS);
        }
        assertThat(gateway.proxy().usageRows()).singleElement().returns(200, Usage::status);
    }

    @Test
    void close_with_nothing_running_returns_at_once_and_writes_the_rows_already_recorded() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Hi!", 4, 2)));
        try (Response response = gateway.chat(CHAT)) {
            assertThat(response.code()).isEqualTo(200);
        }

        long started = System.nanoTime();
        gateway.proxy().app().close(Duration.ofSeconds(10));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(gateway.proxy().usageRows()).hasSize(1);
    }
}
