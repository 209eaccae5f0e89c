package nexus.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ws.WsChatTest.Socket;

/**
 * WebSocket frames are held within the same memory budget as request bodies: frames beyond it are answered with an
 * {@code overloaded} error frame as they arrive, the connection staying open, the frames within it are served, and
 * what a frame held is given back once it is answered.
 */
class WsMemoryBudgetTest {

    private static final int MAX_REQUEST_BYTES = 10_000;
    /** Room for 64,000 / 3 = 21,333 bytes of frames: two of {@link #FRAME_BYTES}, not three. */
    private static final int MAX_BUFFERED_BYTES = 64_000;
    private static final int FRAME_BYTES = 9_000;
    private static final int CONNECTIONS = 6;
    private static final long WAIT_SECONDS = 20;

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream("OpenAI",
            config -> config.withMaxRequestBytes(MAX_REQUEST_BYTES).withMaxBufferedBytes(MAX_BUFFERED_BYTES));

    /** The upstream holds every request until released, so the frames that got in stay held meanwhile. */
    final CountDownLatch upstreamMayAnswer = new CountDownLatch(1);
    final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void holdUpstreamAnswers() {
        gateway.upstream().setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                upstreamMayAnswer.await(WAIT_SECONDS, TimeUnit.SECONDS);
                return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                        .body(OpenAiReplies.sseBody("chatcmpl-1", "gpt-4", 1, 9, 1, List.of("ok"))).build();
            }
        });
    }

    @AfterEach
    void closeSockets() {
        upstreamMayAnswer.countDown();
        sockets.forEach(Socket::close);
    }

    private Socket connect() {
        Socket socket = new Socket();
        socket.webSocket = gateway.proxy().client().newWebSocket(new Request.Builder()
                .url("ws://127.0.0.1:" + gateway.proxy().port() + "/ws/chat")
                .header("Authorization", "Bearer " + ProxyWithUpstream.KEY).build(), socket);
        sockets.add(socket);
        return socket;
    }

    /** A chat request frame of exactly {@link #FRAME_BYTES} bytes. */
    private static String frame() {
        String start = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"";
        String end = "\"}]}";
        return start + "x".repeat(FRAME_BYTES - start.length() - end.length()) + end;
    }

    @Test
    void six_frames_just_under_the_limit_held_at_once_two_are_served_and_four_get_overloaded() throws Exception {
        List<Socket> served = List.of(connect(), connect());
        for (Socket socket : served) {  // each is held upstream before the next is sent
            socket.send(frame());
            assertThat(gateway.upstream().takeRequest(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
        }
        List<Socket> refused = List.of(connect(), connect(), connect(), connect());
        refused.forEach(socket -> socket.send(frame()));

        for (Socket socket : refused) {
            JsonNode error = socket.next();
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("error").path("code").asText()).isEqualTo("overloaded");
        }
        upstreamMayAnswer.countDown();
        for (Socket socket : served) {
            assertThat(socket.untilEnd().getLast().path("type").asText()).isEqualTo("done");
        }
        assertThat(gateway.upstream().getRequestCount()).isEqualTo(2);

        Socket again = refused.getFirst();  // still open, and the budget is back
        again.send(frame());
        assertThat(again.untilEnd().getLast().path("type").asText()).isEqualTo("done");
    }
}
