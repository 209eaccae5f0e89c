package nexus.proxy.upstream.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/** Contract test: the official OpenAI Java SDK reads what an Anthropic provider answers through the proxy. */
class AnthropicSdkTest {

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream("Anthropic", ProviderKind.ANTHROPIC,
            AnthropicProviderTest.MODEL);

    OpenAIClient client;

    @BeforeEach
    void connect() {
        client = OpenAIOkHttpClient.builder()
                .baseUrl(gateway.proxy().url("/v1"))
                .apiKey(ProxyWithUpstream.KEY)
                .maxRetries(0)  // a retry would hide a failure
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    private static ChatCompletionCreateParams chat(String message) {
        return ChatCompletionCreateParams.builder().model(AnthropicProviderTest.MODEL).addUserMessage(message).build();
    }

    @Test
    void a_streamed_tool_call_assembles_in_the_sdk_from_its_deltas_with_the_usage_chunk_last() {
        gateway.upstream().enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .chunkedBody(TranslationCases.text("streaming-tool-call", "anthropic-stream.txt"), 32)
                .build());
        ChatCompletionCreateParams params = chat("Weather in Paris and Rome?").toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            chunks = stream.stream().map(ChatCompletionChunk::validate).toList();
        }

        List<ChatCompletionChunk.Choice> choices = chunks.stream().flatMap(chunk -> chunk.choices().stream()).toList();
        assertThat(choices.stream().map(choice -> choice.delta().content().orElse("")).collect(Collectors.joining()))
                .isEqualTo("Checking both cities.");
        Map<Long, String> arguments = new TreeMap<>();
        Map<Long, String> names = new TreeMap<>();
        choices.stream().flatMap(choice -> choice.delta().toolCalls().stream().flatMap(List::stream))
                .forEach(call -> call.function().ifPresent(function -> {
                    function.name().ifPresent(name -> names.put(call.index(), name));
                    arguments.merge(call.index(), function.arguments().orElse(""), String::concat);
                }));
        assertThat(names).containsExactly(Map.entry(0L, "get_weather"), Map.entry(1L, "get_weather"));
        assertThat(arguments).containsExactly(Map.entry(0L, "{\"city\": \"Paris\"}"),
                Map.entry(1L, "{\"city\": \"Rome\"}"));
        assertThat(choices.getLast().finishReason()).contains(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
        CompletionUsage usage = chunks.getLast().usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(472);
        assertThat(usage.completionTokens()).isEqualTo(89);
        assertThat(gateway.onlyRow()).returns(200, Usage::status).returns(89L, Usage::completionTokens);
    }

    @Test
    void a_message_with_cache_tokens_reads_as_the_sdks_typed_completion() {
        gateway.upstream().enqueue(OpenAiReplies.json(TranslationCases.text("usage-with-cache-tokens",
                "anthropic-response.json")));

        ChatCompletion completion = client.chat().completions().create(chat("Who approves travel expenses?"))
                .validate();

        assertThat(completion.id()).isEqualTo("msg_01CacheHitExample000001");
        assertThat(completion.choices()).singleElement().satisfies(choice -> {
            assertThat(choice.message().content()).contains("Your team lead approves travel expenses.");
            assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        });
        CompletionUsage usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(2260);
        assertThat(usage.promptTokensDetails().flatMap(CompletionUsage.PromptTokensDetails::cachedTokens))
                .contains(2051L);
        assertThat(gateway.onlyRow()).returns(2260L, Usage::promptTokens).returns(2051L, Usage::cacheReadTokens);
    }
}
