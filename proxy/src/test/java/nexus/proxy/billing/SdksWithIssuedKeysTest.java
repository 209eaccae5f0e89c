package nexus.proxy.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.core.type.TypeReference;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ProxyServer;
import nexus.proxy.ProxyWithUpstream;
import nexus.shared.db.Usage;

/**
 * Contract test: the official OpenAI and Anthropic Java SDKs work with an issued {@code sk-nx-…} key on a priced
 * model and a prepaid balance, read the {@code billing} field without error, and surface a 402 as an error.
 */
class SdksWithIssuedKeysTest {

    @RegisterExtension
    final ProxyWithUpstream upstream = new ProxyWithUpstream();
    ProxyServer proxy;
    AdminDesk admin;
    AdminDesk.IssuedKey key;

    @BeforeEach
    void start() {
        proxy = upstream.proxy();
        admin = AdminDesk.over(proxy);
        admin.price(upstream.providerId(), "gpt-4", "\"input_price\":\"0\",\"output_price\":\"1000\"");
        upstream.upstream().setDispatcher(new MaxTokensUpstream());
        key = admin.issue("");
        admin.topUp(key.id(), "1.00", "sdk");
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    @Test
    void the_openai_sdk_chats_with_an_issued_key_and_reads_the_billing_field() {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(proxy.url("/v1")).apiKey(key.fullKey())
                .maxRetries(0).timeout(Duration.ofSeconds(10)).build();
        try {
            ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("gpt-4").addUserMessage("hi").maxCompletionTokens(100).build());

            assertThat(completion.validate().choices().getFirst().message().content()).contains("x");
            Map<String, Object> billing = completion._additionalProperties().get("billing")
                    .convert(new TypeReference<Map<String, Object>>() { });
            assertThat(billing).containsEntry("cost", "0.10").containsEntry("balance", "0.90")
                    .containsEntry("currency", "USD").containsEntry("output_tokens", 100);
        } finally {
            client.close();
        }
        assertThat(proxy.awaitUsageRows(1)).singleElement().returns(100_000_000L, Usage::costNanos);
    }

    @Test
    void the_anthropic_sdk_sends_an_issued_key_as_x_api_key_and_gets_a_402_as_an_error_once_it_is_spent() {
        AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(proxy.url("")).apiKey(key.fullKey())
                .maxRetries(0).timeout(Duration.ofSeconds(10)).build();
        try {
            Message message = client.messages().create(ask(900));

            assertThat(message.validate().content().getFirst().text().orElseThrow().text()).isEqualTo("x");
            assertThat(message.usage().outputTokens()).isEqualTo(900);
            assertThatThrownBy(() -> client.messages().create(ask(200)))
                    .as("0.10 left cannot cover up to 0.20")
                    .isInstanceOfSatisfying(AnthropicServiceException.class, error -> {
                        assertThat(error.statusCode()).isEqualTo(402);
                        assertThat(error.getMessage()).contains("balance");
                    });
        } finally {
            client.close();
        }
        assertThat(upstream.upstream().getRequestCount()).isEqualTo(1);
        assertThat(proxy.awaitUsageRows(1)).singleElement().returns(900_000_000L, Usage::costNanos);
    }

    private static MessageCreateParams ask(long maxTokens) {
        return MessageCreateParams.builder().model("gpt-4").maxTokens(maxTokens).addUserMessage("hi").build();
    }
}
