package nexus.proxy.anthropic;

import static nexus.proxy.ProxyWithUpstream.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import mockwebserver3.MockResponse;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.AnthropicReplies;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.Sse;
import nexus.shared.db.ConversationMessage;
import nexus.shared.db.ProviderKind;

/**
 * With message storage on, a relayed Messages exchange lands in its conversation in Anthropic's content blocks, a stream
 * put together.
 */
class MessagesStorageTest {

    private static final String MODEL = "claude-sonnet-4-5";
    private static final String CONVERSATION = "weather.7";
    private static final String QUESTION = "{\"model\":\"" + MODEL + "\",\"max_tokens\":200,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream("Anthropic", ProviderKind.ANTHROPIC, MODEL,
            config -> config.withStoreMessages(true));

    @Test
    void a_relayed_stream_is_stored_as_the_message_it_made() throws Exception {
        String start = "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_014p7gG3wDgGV9EUtLvnow3U\","
                + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + MODEL + "\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":472,\"output_tokens\":2},\"content\":[],\"stop_reason\":null}}";
        List<String[]> events = List.of(
                new String[] {"message_start", start},
                new String[] {"content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"},
                new String[] {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Let me check\"}}"},
                new String[] {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":\".\"}}"},
                new String[] {"content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"},
                new String[] {"content_block_start", "{\"type\":\"content_block_start\",\"index\":1,"
                        + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01T1x1fJ34qAmk2tNTrN7Up6\","
                        + "\"name\":\"get_weather\",\"input\":{}}}"},
                new String[] {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,"
                        + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \"}}"},
                new String[] {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,"
                        + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}"},
                new String[] {"content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"},
                new String[] {"message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
                        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":89}}"},
                new String[] {"message_stop", "{\"type\":\"message_stop\"}"});
        gateway.upstream().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(AnthropicReplies.sse(events)).build());
        gateway.upstream().enqueue(OpenAiReplies.json(AnthropicReplies.message(MODEL, "Sunny.", 30, 0, 4)));

        send(QUESTION);
        send(QUESTION.replace("\"stream\":true,", ""));

        List<ConversationMessage> stored = gateway.proxy().awaitStoredMessages(CONVERSATION, 4);
        assertThat(stored).extracting(ConversationMessage::role).containsExactly("user", "assistant", "user",
                "assistant");
        assertThat(Sse.tree(stored.get(0).message())).isEqualTo(Sse.tree(QUESTION).path("messages").get(0));
        assertThat(Sse.tree(stored.get(1).message()).path("content")).isEqualTo(Sse.tree("""
                [{"type":"text","text":"Let me check."},
                 {"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather",
                  "input":{"city":"Paris"}}]"""));
        assertThat(stored.get(1).generationId()).isEqualTo("msg_014p7gG3wDgGV9EUtLvnow3U");
        assertThat(Sse.tree(stored.get(1).usage())).isEqualTo(Sse.tree("{\"input_tokens\":472,\"output_tokens\":89}"));
        assertThat(Sse.tree(stored.get(3).message()).path("content"))
                .isEqualTo(Sse.tree(AnthropicReplies.message(MODEL, "Sunny.", 30, 0, 4)).path("content"));
    }

    private void send(String json) throws IOException {
        try (Response response = gateway.proxy().execute(gateway.proxy().postWithHeaders("/v1/messages", json,
                "x-api-key", KEY, "X-Conversation-Id", CONVERSATION))) {
            assertThat(response.code()).isEqualTo(200);
            response.body().string();
        }
    }
}
