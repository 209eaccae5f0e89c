package nexus.proxy.responses;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import nexus.proxy.ProxyServer;
import nexus.proxy.Sse;

/** Test helper: a conversation made and read back through the proxy's conversations API, as a key holder would. */
final class ConversationReads {

    private ConversationReads() {}

    /** Creates an empty conversation for {@code key} and returns its id. */
    static String create(ProxyServer proxy, String key) throws IOException {
        Request request = new Request.Builder().url(proxy.url("/v1/conversations"))
                .header("Authorization", "Bearer " + key).post(RequestBody.create("{}", ProxyServer.JSON)).build();
        try (Response response = proxy.execute(request)) {
            String body = response.body().string();
            if (response.code() != 201) {
                throw new AssertionError("create answered " + response.code() + ": " + body);
            }
            return Sse.tree(body).path("id").asText();
        }
    }

    /**
     * The conversation's items, oldest first, one line each: {@code role: text} for a message, {@code call name(args)}
     * for a function call, {@code output id: text} for its output.
     */
    static List<String> items(ProxyServer proxy, String key, String conversationId) throws IOException {
        Request request = new Request.Builder()
                .url(proxy.url("/v1/conversations/" + conversationId + "/items?order=asc&limit=100"))
                .header("Authorization", "Bearer " + key).build();
        try (Response response = proxy.execute(request)) {
            String body = response.body().string();
            if (response.code() != 200) {
                throw new AssertionError("items answered " + response.code() + ": " + body);
            }
            List<String> lines = new ArrayList<>();
            for (JsonNode item : Sse.tree(body).path("data")) {
                lines.add(switch (item.path("type").asText()) {
                    case "function_call" -> "call " + item.path("name").asText() + item.path("arguments").asText();
                    case "function_call_output" -> "output " + item.path("call_id").asText() + ": "
                            + item.path("output").asText();
                    default -> item.path("role").asText() + ": " + item.path("content").path(0).path("text").asText();
                });
            }
            return lines;
        }
    }
}
