package nexus.proxy.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.MockResponse;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.Sse;
import nexus.shared.db.ConversationMessage;
import nexus.shared.db.ProviderKind;

/**
 * Chat traffic naming a conversation created through the API lands in it, message storage being off: each message
 * once, in order, whether it came as JSON, as a stream or over the WebSocket, tool calls included; a failed call adds
 * nothing, and another key's chat cannot write into it.
 */
class ChatTranscriptTest {

    private static final String SYSTEM = "{\"role\":\"system\",\"content\":\"Be brief.\"}";
    private static final String U1 = "{\"role\":\"user\",\"content\":\"Where to?\"}";
    private static final String A1 = "{\"role\":\"assistant\",\"content\":\"Lisbon.\"}";
    private static final String U2 = "{\"role\":\"user\",\"content\":\"When?\"}";
    private static final String A2 = "{\"role\":\"assistant\",\"content\":\"In May.\"}";
    private static final String U3 = "{\"role\":\"user\",\"content\":\"Why?\"}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    ConversationCalls calls;

    @BeforeEach
    void start() {
        calls = new ConversationCalls(gateway.proxy(), ProxyWithUpstream.KEY);
    }

    @Test
    void a_session_over_json_stream_and_websocket_lands_once_per_message_in_order() throws Exception {
        String id = calls.create("{\"title\":\"Trip\"}");
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Lisbon.", 10, 2)));
        gateway.upstream().enqueue(streamed("In ", "May."));
        gateway.upstream().enqueue(streamed("Sun", "shine."));

        assertThat(chat(id, false, SYSTEM, U1)).isEqualTo(200);
        assertThat(chat(id, true, SYSTEM, U1, A1, U2)).isEqualTo(200);
        try (ChatSocket socket = new ChatSocket(gateway.proxy(), ProxyWithUpstream.KEY)) {
            List<JsonNode> frames = socket.ask("{\"model\":\"gpt-4\",\"stream\":true,\"conversation_id\":\"" + id
                    + "\",\"messages\":[" + String.join(",", SYSTEM, U1, A1, U2, A2, U3) + "]}");
            assertThat(frames.getLast().path("type").asText()).as(frames.getLast().toString()).isEqualTo("done");
        }

        List<ConversationMessage> stored = gateway.proxy().awaitStoredMessages(id, 7);
        JsonNode read = calls.get("/v1/conversations/" + id).json();
        assertThat(read.path("message_count").asLong()).isEqualTo(7);
        JsonNode messages = read.path("messages");
        assertThat(messages).extracting(message -> message.path("role").asText() + ":"
                + message.path("content").asText()).containsExactly("system:Be brief.", "user:Where to?",
                "assistant:Lisbon.", "user:When?", "assistant:In May.", "user:Why?", "assistant:Sunshine.");
        assertThat(stored).hasSize(7);
        assertThat(messages.get(2).path("model").asText()).isEqualTo("gpt-4");
        assertThat(messages.get(2).path("generation_id").asText()).isEqualTo(OpenAiReplies.COMPLETION_ID);
        assertThat(messages.get(2).path("usage").path("total_tokens").asLong()).isEqualTo(12);
        assertThat(messages.get(4).path("usage").path("total_tokens").asLong()).isEqualTo(18);
        assertThat(messages.get(1).has("usage")).isFalse();
        assertThat(read.path("title").asText()).isEqualTo("Trip");
    }

    @Test
    void a_tool_call_and_its_result_land_as_the_chat_sent_them_and_read_as_function_call_items() throws Exception {
        String id = calls.create("{}");
        String toolCall = "{\"id\":\"call_7\",\"type\":\"function\",\"function\":{\"name\":\"weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Lisbon\\\"}\"}}";
        gateway.upstream().enqueue(OpenAiReplies.json("{\"id\":\"chatcmpl-tool\",\"object\":\"chat.completion\","
                + "\"model\":\"gpt-4\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
                + "\"tool_calls\":[" + toolCall + "]},\"finish_reason\":\"tool_calls\"}],"
                + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":5,\"total_tokens\":14}}"));
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Sunny, 24 C.", 20, 4)));
        String assistant = "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + toolCall + "]}";
        String result = "{\"role\":\"tool\",\"tool_call_id\":\"call_7\",\"content\":\"24 C, sun\"}";

        assertThat(chat(id, false, U1)).isEqualTo(200);
        assertThat(chat(id, false, U1, assistant, result)).isEqualTo(200);

        List<ConversationMessage> stored = gateway.proxy().awaitStoredMessages(id, 4);
        assertThat(stored).extracting(ConversationMessage::role).containsExactly("user", "assistant", "tool",
                "assistant");
        assertThat(Sse.tree(stored.get(1).message()).path("tool_calls")).isEqualTo(Sse.tree("[" + toolCall + "]"));
        assertThat(Sse.tree(stored.get(2).message())).isEqualTo(Sse.tree(result));
        JsonNode items = calls.get("/v1/conversations/" + id + "/items?order=asc").json().path("data");
        assertThat(items.get(1).path("type").asText()).isEqualTo("function_call");
        assertThat(items.get(1).path("call_id").asText()).isEqualTo("call_7");
        assertThat(items.get(1).path("name").asText()).isEqualTo("weather");
        assertThat(items.get(2).path("type").asText()).isEqualTo("function_call_output");
        assertThat(items.get(2).path("output").asText()).isEqualTo("24 C, sun");
        assertThat(items.get(3).path("content").get(0).path("text").asText()).isEqualTo("Sunny, 24 C.");
    }

    @Test
    void a_message_stored_through_the_api_first_is_not_stored_again_by_the_chat() throws Exception {
        String id = calls.create("{}");
        assertThat(calls.post("/v1/conversations/" + id + "/messages", U1).status()).isEqualTo(201);
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Lisbon.", 10, 2)));

        assertThat(chat(id, false, U1)).isEqualTo(200);

        assertThat(gateway.proxy().awaitStoredMessages(id, 2)).extracting(ConversationMessage::role)
                .containsExactly("user", "assistant");
    }

    @Test
    void a_failed_call_adds_nothing_but_is_still_a_usage_row() throws Exception {
        String id = calls.create("{}");
        gateway.upstream().enqueue(OpenAiReplies.json(500, "{\"error\":{\"message\":\"down\"}}"));
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Lisbon.", 10, 2)));

        assertThat(chat(id, false, U1)).isEqualTo(500);
        assertThat(chat(id, false, U2)).isEqualTo(200);  // lands after whatever the failure would have added

        List<ConversationMessage> stored = gateway.proxy().awaitStoredMessages(id, 2);
        assertThat(stored).extracting(message -> Sse.tree(message.message()).path("content").asText())
                .containsExactly("When?", "Lisbon.");
        assertThat(gateway.proxy().awaitUsageRows(2)).extracting(row -> row.status()).containsExactly(500, 200);
    }

    @Test
    void another_keys_chat_naming_the_conversation_writes_nothing_into_it() throws Exception {
        String id = calls.create("{}");
        gateway.proxy().addProvider("Other", ProviderKind.OPENAI, gateway.upstream().url("/v1").toString(),
                "other-key", "gpt-4");
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Intruder.", 10, 2)));
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Lisbon.", 10, 2)));

        try (Response response = gateway.proxy().execute(gateway.proxy().postWithHeaders("/v1/chat/completions",
                body(false, U2), "Authorization", "Bearer other-key", "X-Conversation-Id", id))) {
            assertThat(response.code()).isEqualTo(200);
        }
        assertThat(chat(id, false, U1)).isEqualTo(200);

        assertThat(gateway.proxy().awaitStoredMessages(id, 2))
                .extracting(message -> Sse.tree(message.message()).path("content").asText())
                .containsExactly("Where to?", "Lisbon.");
        assertThat(new ConversationCalls(gateway.proxy(), "other-key").get("/v1/conversations").json().path("data"))
                .isEmpty();
    }

    private int chat(String conversationId, boolean stream, String... messages) throws IOException {
        try (Response response = gateway.proxy().execute(gateway.proxy().postWithHeaders("/v1/chat/completions",
                body(stream, messages), "Authorization", "Bearer " + ProxyWithUpstream.KEY,
                "X-Conversation-Id", conversationId))) {
            response.body().string();
            return response.code();
        }
    }

    /** A whole streamed answer: its chunks, the usage chunk and [DONE]. */
    private static MockResponse streamed(String... pieces) {
        List<String> chunks = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", pieces));
        chunks.add(OpenAiReplies.usageChunk("gpt-4", 15, 3));
        chunks.add("[DONE]");
        return OpenAiReplies.stream(chunks);
    }

    private static String body(boolean stream, String... messages) {
        return "{\"model\":\"gpt-4\",\"stream\":" + stream + ",\"messages\":[" + String.join(",", messages) + "]}";
    }
}
