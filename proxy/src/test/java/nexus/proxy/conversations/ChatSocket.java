package nexus.proxy.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Request;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

import nexus.proxy.ProxyServer;
import nexus.proxy.Sse;

/** Test helper: one {@code /ws/chat} connection whose frames are read one answer at a time. */
public final class ChatSocket extends WebSocketListener implements AutoCloseable {

    /** Queued when the connection fails, so a reader waiting for a frame learns at once. */
    private static final String FAILED = "{\"type\":\"socket_failed\"}";

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private volatile Throwable failure;
    private final WebSocket webSocket;

    public ChatSocket(ProxyServer proxy, String key) {
        this.webSocket = proxy.client().newWebSocket(new Request.Builder()
                .url("ws://127.0.0.1:" + proxy.port() + "/ws/chat")
                .header("Authorization", "Bearer " + key).build(), this);
    }

    /** Sends one request frame and returns the frames of its answer, up to its done or error frame. */
    public List<JsonNode> ask(String frame) throws InterruptedException {
        assertThat(webSocket.send(frame)).isTrue();
        List<JsonNode> answer = new ArrayList<>();
        JsonNode next;
        do {
            String text = frames.poll(30, TimeUnit.SECONDS);
            assertThat(text).as("a frame within 30 s (the socket failed with: %s)", failure).isNotNull();
            assertThat(text).as("the socket failed with: %s", failure).isNotEqualTo(FAILED);
            next = Sse.tree(text);
            answer.add(next);
        } while ("chunk".equals(next.path("type").asText()));
        return answer;
    }

    @Override
    public void onMessage(WebSocket socket, String text) {
        frames.add(text);
    }

    @Override
    public void onFailure(WebSocket socket, Throwable cause, okhttp3.Response response) {
        failure = cause;
        frames.add(FAILED);  // the answer being waited for will not come
    }

    @Override
    public void close() {
        webSocket.cancel();
    }
}
