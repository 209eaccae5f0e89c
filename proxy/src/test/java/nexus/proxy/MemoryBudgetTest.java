package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bodies held in memory at once are capped (NEXUS_MAX_BUFFERED_BYTES, counted at three times a body's size): a
 * burst of legal bodies beyond it gets 503 overloaded with Retry-After instead of exhausting the heap, the bodies
 * within it are served, and what a request held is given back when it ends.
 */
class MemoryBudgetTest {

    private static final int MAX_REQUEST_BYTES = 10_000;
    /** Room for 64,000 / 3 = 21,333 bytes of bodies: two of {@link #BODY_BYTES}, not three. */
    private static final int MAX_BUFFERED_BYTES = 64_000;
    private static final int BODY_BYTES = 9_000;
    private static final int CONCURRENT = 6;
    private static final long WAIT_SECONDS = 20;

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream("OpenAI",
            config -> config.withMaxRequestBytes(MAX_REQUEST_BYTES).withMaxBufferedBytes(MAX_BUFFERED_BYTES));

    /** The upstream holds every request until released, so the bodies that got in stay held meanwhile. */
    final CountDownLatch upstreamMayAnswer = new CountDownLatch(1);
    final ExecutorService clients = Executors.newFixedThreadPool(CONCURRENT);

    @BeforeEach
    void holdUpstreamAnswers() {
        gateway.upstream().setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                upstreamMayAnswer.await(WAIT_SECONDS, TimeUnit.SECONDS);
                return OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "ok", 1, 1));
            }
        });
    }

    /** What a client got back. */
    record Reply(int status, String retryAfter, String body) {}

    @AfterEach
    void stopClients() {
        upstreamMayAnswer.countDown();
        clients.shutdownNow();
    }

    /** A chat request of exactly {@link #BODY_BYTES} bytes. */
    private static String body() {
        String start = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"";
        String end = "\"}]}";
        return start + "x".repeat(BODY_BYTES - start.length() - end.length()) + end;
    }

    private Reply send(RequestBody body) throws IOException {
        Request request = new Request.Builder().url(gateway.proxy().url("/v1/chat/completions"))
                .header("Authorization", "Bearer " + ProxyWithUpstream.KEY).post(body).build();
        try (Response response = gateway.proxy().execute(request)) {
            return new Reply(response.code(), response.header("Retry-After", ""), response.body().string());
        }
    }

    /** Sends {@link #CONCURRENT} bodies at once; the refused ones answer while the served ones wait upstream. */
    private void sixAtOnceThenOneMore(RequestBody body) throws Exception {
        List<Future<Reply>> replies = new ArrayList<>();
        for (int client = 0; client < CONCURRENT; client++) {
            replies.add(clients.submit(() -> send(body)));
        }

        List<Reply> refused = awaitDone(replies, CONCURRENT - 2);
        assertThat(refused).hasSize(CONCURRENT - 2).allSatisfy(reply -> {
            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.retryAfter()).isEqualTo("1");
            assertThat(ErrorBody.of(reply.body()).code()).isEqualTo("overloaded");
        });
        upstreamMayAnswer.countDown();
        for (Future<Reply> reply : replies) {
            assertThat(reply.get(WAIT_SECONDS, TimeUnit.SECONDS).status()).isIn(200, 503);
        }
        assertThat(replies.stream().filter(reply -> reply.resultNow().status() == 200)).hasSize(2);
        assertThat(gateway.upstream().getRequestCount()).isEqualTo(2);

        assertThat(send(body).status()).as("a request once the others are over").isEqualTo(200);
    }

    /** The replies of the requests done once {@code count} of them are, waiting at most {@link #WAIT_SECONDS}. */
    private static List<Reply> awaitDone(List<Future<Reply>> replies, int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (replies.stream().filter(Future::isDone).count() < count && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));  // a poll interval, not a wait for an outcome
        }
        return replies.stream().filter(Future::isDone).map(Future::resultNow).toList();
    }

    @Test
    void six_bodies_just_under_the_limit_at_once_two_are_served_and_four_get_503_overloaded() throws Exception {
        sixAtOnceThenOneMore(RequestBody.create(body(), ProxyServer.JSON));
    }

    @Test
    void chunked_bodies_take_the_budget_as_they_arrive() throws Exception {
        byte[] bytes = body().getBytes();
        sixAtOnceThenOneMore(new RequestBody() {  // no Content-Length: sent with Transfer-Encoding: chunked
            @Override
            public MediaType contentType() {
                return ProxyServer.JSON;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.write(bytes);
            }
        });
    }
}
