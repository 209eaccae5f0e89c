package nexus.proxy.conversations;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import nexus.proxy.ProxyServer;
import nexus.proxy.Sse;

/** Test helper: calls to a proxy's conversations API with one key, answers read whole. */
record ConversationCalls(ProxyServer proxy, String key) {

    /** What came back: status and body, the body as a tree when it is JSON. */
    record Answer(int status, String body) {
        JsonNode json() {
            return Sse.tree(body);
        }
    }

    Answer get(String path) {
        return send(request(path).get());
    }

    Answer post(String path, String json) {
        return send(request(path).post(RequestBody.create(json, ProxyServer.JSON)));
    }

    Answer patch(String path, String json) {
        return send(request(path).patch(RequestBody.create(json, ProxyServer.JSON)));
    }

    Answer delete(String path) {
        return send(request(path).delete());
    }

    /** Creates a conversation from {@code json} and returns its id. */
    String create(String json) {
        Answer created = post("/v1/conversations", json);
        if (created.status() != 201) {
            throw new AssertionError("create answered " + created.status() + ": " + created.body());
        }
        return created.json().path("id").asText();
    }

    private Request.Builder request(String path) {
        Request.Builder request = new Request.Builder().url(proxy.url(path));
        return key == null ? request : request.header("Authorization", "Bearer " + key);
    }

    private Answer send(Request.Builder request) {
        try (Response response = proxy.execute(request.build())) {
            return new Answer(response.code(), response.body().string());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
