package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.MessageParam;
import com.anthropic.models.messages.MessageTokensCount;
import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.db.ProviderKind;

/**
 * Contract test: what Claude Code asks of an Anthropic endpoint besides messages, through the official Anthropic Java
 * SDK: a mid-conversation system message, token counts and model retrieval, against the mock kind, an
 * OpenAI-compatible provider and an Anthropic one (MockWebServer).
 */
class AnthropicSdkClaudeCodeTest {

    private static final String KEY = "sdk-client-key";

    @StartStop
    final MockWebServer upstream = new MockWebServer();

    @TempDir
    Path dir;

    ProxyServer proxy;
    AnthropicClient client;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        proxy.addProvider("Local mock", ProviderKind.MOCK, "mock://local?delay_ms=0", KEY, "mock-claude");
        proxy.addProvider("DeepSeek", ProviderKind.OPENAI, upstream.url("/v1").toString(), KEY, "deepseek-chat");
        proxy.addProvider("Anthropic", ProviderKind.ANTHROPIC, upstream.url("/v1").toString(), KEY, "claude-relay");
        client = AnthropicOkHttpClient.builder().apiKey(KEY).baseUrl(proxy.url("")).maxRetries(0)
                .timeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        proxy.close();
    }

    private static MessageParam system(String text) {
        return MessageParam.builder().role(MessageParam.Role.SYSTEM).content(text).build();
    }

    @Test
    void a_mid_conversation_system_message_reaches_an_openai_compatible_provider_at_its_place() throws Exception {
        upstream.enqueue(OpenAiReplies.json(OpenAiReplies.completion("deepseek-chat", "Bien, merci.", 30, 4)));

        Message message = client.messages().create(MessageCreateParams.builder().model("deepseek-chat")
                .maxTokens(100).addUserMessage("Hi").addAssistantMessage("Hello!")
                .addMessage(system("Answer in French from now on.")).addUserMessage("How are you?").build());

        assertThat(message.content().getFirst().asText().text()).isEqualTo("Bien, merci.");
        assertThat(message.id()).startsWith("msg_");
        RecordedRequest sent = upstream.takeRequest(5, TimeUnit.SECONDS);
        JsonNode messages = Sse.tree(sent.getBody().utf8()).path("messages");
        assertThat(messages).extracting(turn -> turn.path("role").asText())
                .containsExactly("user", "assistant", "system", "user");
        assertThat(messages.get(2).path("content").asText()).isEqualTo("Answer in French from now on.");
    }

    @Test
    void count_tokens_is_the_tokenizers_estimate_for_the_mock_and_grows_with_the_prompt() throws Exception {
        MessageTokensCount small = client.messages().countTokens(MessageCountTokensParams.builder()
                .model("mock-claude").addUserMessage("Hi").build());
        MessageTokensCount large = client.messages().countTokens(MessageCountTokensParams.builder()
                .model("mock-claude").system("You are a careful assistant who answers in full sentences.")
                .addUserMessage("Hi").addMessage(system("Plan mode is on.")).build());

        assertThat(small.inputTokens()).isPositive();
        assertThat(large.inputTokens()).isGreaterThan(small.inputTokens() + 10);
        assertThat(proxy.usageRowsBeforeABarrier()).isEmpty();
    }

    @Test
    void count_tokens_of_an_anthropic_provider_is_its_own_count() throws Exception {
        upstream.enqueue(OpenAiReplies.json("{\"input_tokens\":2095}"));

        MessageTokensCount count = client.messages().countTokens(MessageCountTokensParams.builder()
                .model("claude-relay").addUserMessage("Hello, Claude").build());

        assertThat(count.inputTokens()).isEqualTo(2095);
        RecordedRequest sent = upstream.takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/messages/count_tokens");
        assertThat(Sse.tree(sent.getBody().utf8()).path("model").asText()).isEqualTo("claude-relay");
    }
}
