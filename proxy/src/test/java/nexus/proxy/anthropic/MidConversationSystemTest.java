package nexus.proxy.anthropic;

import static nexus.proxy.ProxyWithUpstream.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.AnthropicReplies;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.Sse;
import nexus.shared.db.ProviderKind;

/**
 * A {@code system} message inside {@code messages} (Anthropic's mid-conversation system message, as Claude Code sends
 * it) on /v1/messages: sent as it came to an anthropic provider, a system message at the same place for an
 * OpenAI-compatible one, and answered by the mock.
 */
class MidConversationSystemTest {

    /** A string system message and one of text blocks with a field only Anthropic reads. */
    private static final String CONVERSATION = "{\"model\":\"%s\",\"max_tokens\":100,\"system\":\"Be brief.\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"},"
            + "{\"role\":\"system\",\"content\":\"Plan mode is on.\"},"
            + "{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"Answer\"},{\"type\":\"text\","
            + "\"text\":\"in French.\"}],\"clear_at\":\"next_user_message\"},"
            + "{\"role\":\"user\",\"content\":\"How are you?\"}]}";
    private static final String BETA = "mid-conversation-system-clear-at-2026-08-21";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    private Reply send(String model) throws IOException {
        try (Response response = gateway.proxy().execute(gateway.proxy().postWithHeaders("/v1/messages",
                CONVERSATION.formatted(model), "x-api-key", KEY, "anthropic-version", "2023-06-01",
                "anthropic-beta", BETA))) {
            return Reply.of(response);
        }
    }

    @Test
    void an_openai_compatible_provider_gets_each_system_message_at_its_place_in_the_conversation() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Très bien", 30, 3)));

        Reply reply = send("gpt-4");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(Sse.tree(reply.body()).path("content").path(0).path("text").asText()).isEqualTo("Très bien");
        RecordedRequest sent = gateway.upstreamRequest();
        assertThat(Sse.tree(sent.getBody().utf8()).path("messages")).isEqualTo(Sse.tree("""
                [{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},
                 {"role":"assistant","content":"Hello"},{"role":"system","content":"Plan mode is on."},
                 {"role":"system","content":"Answer\\nin French."},{"role":"user","content":"How are you?"}]"""));
        assertThat(gateway.onlyRow().status()).isEqualTo(200);
    }

    @Test
    void an_anthropic_provider_gets_the_system_messages_and_the_beta_header_as_sent() throws Exception {
        gateway.proxy().addProvider("Anthropic", ProviderKind.ANTHROPIC, gateway.upstream().url("/v1").toString(),
                KEY, "claude-opus-4-5");
        gateway.upstream().enqueue(OpenAiReplies.json(AnthropicReplies.message("claude-opus-4-5", "Bien", 30, 0, 2)));

        Reply reply = send("claude-opus-4-5");

        assertThat(reply.status()).isEqualTo(200);
        RecordedRequest sent = gateway.upstreamRequest();
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/messages");
        assertThat(sent.getBody().utf8()).isEqualTo(CONVERSATION.formatted("claude-opus-4-5"));
        assertThat(sent.getHeaders().get("anthropic-beta")).isEqualTo(BETA);
    }

    @Test
    void the_mock_provider_answers_a_conversation_with_system_messages() throws Exception {
        gateway.proxy().addProvider("Mock", ProviderKind.MOCK, "mock://local?delay_ms=0", KEY, "mock-model");

        Reply reply = send("mock-model");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(Sse.tree(reply.body()).path("content").path(0).path("text").asText()).isEqualTo("How are you?");
    }
}
