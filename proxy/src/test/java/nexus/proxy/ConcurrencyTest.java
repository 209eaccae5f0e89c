package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;
import nexus.shared.json.Json;

/**
 * Two hundred clients stream at once through one proxy to a slow upstream: every stream completes whole, none
 * waits for another, and each leaves its own usage row.
 */
class ConcurrencyTest {

    private static final int STREAMS = 200;
    private static final String KEY = "concurrency-key";
    private static final ObjectMapper MAPPER = Json.newMapper();

    @StartStop
    final MockWebServer upstream = new MockWebServer();

    @TempDir
    Path dir;

    ProxyServer proxy;
    OkHttpClient client;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        client = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(STREAMS, 1, TimeUnit.MINUTES))
                .retryOnConnectionFailure(false)
                .readTimeout(Duration.ofSeconds(20))
                .callTimeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterEach
    void stop() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
        proxy.close();
    }

    @Test
    void two_hundred_simultaneous_streams_from_a_slow_mock_all_complete_and_each_leaves_a_usage_row()
            throws Exception {
        // Ten pieces with 100 ms before each: one stream takes at least a second, two hundred in a row 200 s.
        proxy.addProvider("Slow mock", ProviderKind.MOCK, "mock://local?chunks=10&delay_ms=100", KEY, "slow-mock");

        long startNanos = System.nanoTime();
        List<Streamed> streams = streamAllAtOnce("slow-mock");
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);

        assertThat(streams).allSatisfy(ConcurrencyTest::assertComplete);
        assertThat(took).as("200 streams of one second each, side by side").isLessThan(Duration.ofSeconds(15));
        List<Usage> rows = proxy.awaitUsageRows(STREAMS);
        assertThat(rows).hasSize(STREAMS).allSatisfy(row -> {
            assertThat(row.status()).isEqualTo(200);
            assertThat(row.stream()).isTrue();
            assertThat(row.truncated()).isFalse();
            assertThat(row.latencyMillis()).isGreaterThanOrEqualTo(1_000);
        });
        assertThat(rows).extracting(Usage::requestId).doesNotHaveDuplicates();
    }

    @Test
    void two_hundred_simultaneous_streams_are_all_open_upstream_at_once_and_all_complete() throws Exception {
        // The upstream answers no one until all 200 requests reached it: proof that none waited for another.
        CountDownLatch arrived = new CountDownLatch(STREAMS);
        upstream.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                arrived.countDown();
                if (!arrived.await(15, TimeUnit.SECONDS)) {
                    return new MockResponse.Builder().code(503).setHeader("Content-Type", "application/json")
                            .body("{\"error\":{\"message\":\"only " + (STREAMS - arrived.getCount())
                                    + " streams were open at once\",\"type\":\"test\",\"code\":\"test\"}}")
                            .build();
                }
                String text = userText(request);
                return new MockResponse.Builder()
                        .setHeader("Content-Type", "text/event-stream")
                        .body(sse(text))
                        .throttleBody(256, 40, TimeUnit.MILLISECONDS)  // about half a second per stream
                        .build();
            }
        });
        proxy.addProvider("Slow upstream", ProviderKind.OPENAI, upstream.url("/v1").toString(), KEY, "slow-http");

        List<Streamed> streams = streamAllAtOnce("slow-http");

        assertThat(streams).allSatisfy(ConcurrencyTest::assertComplete);
        assertThat(upstream.getRequestCount()).isEqualTo(STREAMS);
        List<Usage> rows = proxy.awaitUsageRows(STREAMS);
        assertThat(rows).hasSize(STREAMS).extracting(Usage::status).containsOnly(200);
        assertThat(rows).extracting(Usage::requestId).doesNotHaveDuplicates();
        assertThat(rows).extracting(Usage::completionTokens).containsOnly(10L);  // as the upstream reported
    }

    /** Starts all streams from 200 virtual threads behind one gate, and reads each to its end. */
    private List<Streamed> streamAllAtOnce(String model) throws Exception {
        CountDownLatch ready = new CountDownLatch(STREAMS);
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Streamed>> futures = IntStream.range(0, STREAMS)
                    .mapToObj(index -> threads.submit(() -> {
                        ready.countDown();
                        go.await();
                        return stream(model, String.format("stream %03d of %d, whole", index, STREAMS));
                    }))
                    .toList();
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            List<Streamed> streams = new ArrayList<>(STREAMS);
            for (Future<Streamed> future : futures) {
                streams.add(future.get(40, TimeUnit.SECONDS));
            }
            return streams;
        }
    }

    private Streamed stream(String model, String message) throws IOException {
        String json = "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                + message + "\"}]}";
        try (Response response = client.newCall(proxy.post("/v1/chat/completions", KEY, json)).execute()) {
            return new Streamed(message, response.code(), response.header("Content-Type", ""),
                    response.body().string());
        }
    }

    private static void assertComplete(Streamed stream) {
        assertThat(stream.status()).as("status; body %s", stream.body()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        assertThat(stream.body()).endsWith("data: [DONE]\n\n");
        assertThat(stream.content()).isEqualTo(stream.message());
    }

    /** One client's stream as it arrived: status, type and the whole SSE body. */
    private record Streamed(String message, int status, String contentType, String body) {

        /** The text assembled from every chunk's {@code delta.content}. */
        String content() {
            StringBuilder text = new StringBuilder();
            for (String event : body.split("\n\n")) {
                String data = event.strip().substring("data: ".length());
                if (data.equals("[DONE]")) {
                    continue;
                }
                try {
                    for (JsonNode choice : MAPPER.readTree(data).path("choices")) {
                        text.append(choice.path("delta").path("content").asText(""));
                    }
                } catch (IOException e) {
                    throw new AssertionError("Not a JSON event: " + data, e);
                }
            }
            return text.toString();
        }
    }

    private static String userText(RecordedRequest request) {
        try {
            return MAPPER.readTree(request.getBody().utf8()).at("/messages/0/content").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** An OpenAI stream of {@code text} in ten pieces, with a usage chunk and [DONE]. */
    private static String sse(String text) {
        List<String> pieces = new ArrayList<>();
        for (int piece = 0; piece < 10; piece++) {
            pieces.add(text.substring(text.length() * piece / 10, text.length() * (piece + 1) / 10));
        }
        return OpenAiReplies.sseBody("chatcmpl-slow", "slow-http", 1700000000, 12, 10, pieces);
    }
}
