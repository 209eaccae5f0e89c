package nexus.proxy.responses;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.AnthropicReplies;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.Sse;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/** POST /v1/responses to a provider of kind anthropic: through the chat translation to Anthropic's Messages API. */
class AnthropicTargetTest {

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream("Claude", ProviderKind.ANTHROPIC, "claude-test");

    @Test
    void a_request_shaped_as_codex_sends_it_streams_back_with_reasoning_settings_left_out() throws Exception {
        gateway.upstream().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(AnthropicReplies.sse(AnthropicReplies.streamEvents("claude-test", 30, 0, 3, "Done", "."))).build());

        Reply reply = gateway.post("/v1/responses", "{\"model\":\"claude-test\",\"instructions\":\"You are a coding"
                + " agent.\",\"input\":[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
                + "\"text\":\"List the files\"}]}],\"tools\":[{\"type\":\"function\",\"name\":\"shell\",\"description\":"
                + "\"Runs a command\",\"strict\":false,\"parameters\":{\"type\":\"object\",\"properties\":{\"command\":"
                + "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},\"required\":[\"command\"]}}],"
                + "\"tool_choice\":\"auto\",\"parallel_tool_calls\":false,\"reasoning\":{\"effort\":\"medium\","
                + "\"summary\":\"auto\"},\"store\":false,\"stream\":true,\"include\":[\"reasoning.encrypted_content\"],"
                + "\"prompt_cache_key\":\"0199-session\"}");

        assertThat(reply.status()).isEqualTo(200);
        List<Sse.Event> events = Sse.events(reply.body());
        assertThat(events.getLast().name()).isEqualTo("response.completed");
        assertThat(events.getLast().json().path("response").path("output").path(0).path("content").path(0)
                .path("text").asText()).isEqualTo("Done.");
        JsonNode sent = Sse.tree(gateway.upstreamRequest().getBody().utf8());
        assertThat(sent.path("system").toString()).contains("You are a coding agent.");
        assertThat(sent.path("tools").path(0).path("name").asText()).isEqualTo("shell");
        assertThat(sent.path("tool_choice").path("disable_parallel_tool_use").asBoolean()).isTrue();
        assertThat(sent.has("thinking")).isFalse();
        Usage row = gateway.onlyRow();
        assertThat(List.of(row.promptTokens(), row.completionTokens())).containsExactly(30L, 3L);
    }

    @Test
    void two_streamed_turns_in_a_conversation_carry_its_history_and_land_in_it_once() throws Exception {
        gateway.upstream().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(AnthropicReplies.sse(AnthropicReplies.streamEvents("claude-test", 12, 0, 3, "Paris", "."))).build());
        gateway.upstream().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(AnthropicReplies.sse(AnthropicReplies.streamEvents("claude-test", 20, 0, 4, "2.1", " million.")))
                .build());
        String conversation = ConversationReads.create(gateway.proxy(), ProxyWithUpstream.KEY);

        Reply first = gateway.post("/v1/responses", "{\"model\":\"claude-test\",\"stream\":true,\"conversation\":\""
                + conversation + "\",\"input\":\"Capital of France?\"}");
        Reply second = gateway.post("/v1/responses", "{\"model\":\"claude-test\",\"stream\":true,"
                + "\"conversation\":{\"id\":\"" + conversation + "\"},\"input\":\"Its population?\"}");

        assertThat(Sse.events(first.body()).getLast().name()).isEqualTo("response.completed");
        assertThat(Sse.events(second.body()).getLast().name()).isEqualTo("response.completed");
        gateway.upstreamRequest();
        JsonNode messages = Sse.tree(gateway.upstreamRequest().getBody().utf8()).path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.path(1).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.path(1).toString()).contains("Paris.");
        assertThat(messages.path(2).toString()).contains("Its population?");
        assertThat(ConversationReads.items(gateway.proxy(), ProxyWithUpstream.KEY, conversation)).containsExactly(
                "user: Capital of France?", "assistant: Paris.", "user: Its population?", "assistant: 2.1 million.");
    }

    @Test
    void a_json_schema_format_is_refused_naming_text_format() throws Exception {
        Reply reply = gateway.post("/v1/responses", "{\"model\":\"claude-test\",\"input\":\"x\",\"text\":{\"format\":"
                + "{\"type\":\"json_schema\",\"name\":\"n\",\"schema\":{\"type\":\"object\"}}}}");

        gateway.assertRefusedUntouched(reply, "text.format");
    }
}
