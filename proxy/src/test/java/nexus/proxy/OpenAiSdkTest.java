package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.models.Model;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/**
 * Contract test: the official OpenAI Java SDK, a client nobody here wrote, talks to the proxy as it would to OpenAI.
 * The built-in mock kind answers most calls; one provider is an OpenAI-compatible MockWebServer.
 */
class OpenAiSdkTest {

    private static final String KEY = "sdk-client-key";
    private static final String MESSAGE = "Hello from the official SDK, 你好!";

    @StartStop
    final MockWebServer upstream = new MockWebServer();

    @TempDir
    Path dir;

    ProxyServer proxy;
    OpenAIClient client;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        proxy.addProvider("Local mock", ProviderKind.MOCK, "mock://local?chunks=4&delay_ms=0", KEY,
                "mock-gpt", "mock-mini");
        proxy.addProvider("Compatible", ProviderKind.OPENAI, upstream.url("/v1").toString(), KEY, "remote-gpt");
        client = sdk(KEY);
    }

    @AfterEach
    void stop() {
        client.close();
        proxy.close();
    }

    private OpenAIClient sdk(String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(proxy.url("/v1"))
                .apiKey(key)
                .maxRetries(0)  // a retry would hide a failure, and back off for seconds
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    private static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(MESSAGE).build();
    }

    @Test
    void a_chat_completion_reads_as_the_sdks_typed_object_with_text_and_usage() {
        ChatCompletion completion = client.chat().completions().create(chat("mock-gpt"));

        assertThat(completion.model()).isEqualTo("mock-gpt");
        assertThat(completion.choices()).singleElement().satisfies(choice -> {
            assertThat(choice.message().content()).contains(MESSAGE);
            assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        });
        CompletionUsage usage = completion.usage().orElseThrow();
        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(usage.completionTokens()).isPositive().isEqualTo(row.completionTokens());
        assertThat(usage.promptTokens()).isPositive().isEqualTo(row.promptTokens());
        assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.stream()).isFalse();
    }

    @Test
    void a_streamed_chat_assembles_from_its_deltas_to_the_echoed_message() {
        ChatCompletionCreateParams params = chat("mock-gpt").toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            chunks = stream.stream().toList();
        }

        String text = chunks.stream()
                .flatMap(chunk -> chunk.choices().stream())
                .map(choice -> choice.delta().content().orElse(""))
                .collect(Collectors.joining());
        assertThat(text).isEqualTo(MESSAGE);
        assertThat(chunks).filteredOn(chunk -> chunk.choices().stream()
                        .anyMatch(choice -> choice.delta().content().filter(piece -> !piece.isEmpty()).isPresent()))
                .hasSize(4);
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.getFirst().id());
        CompletionUsage usage = chunks.getLast().usage().orElseThrow();
        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(usage.completionTokens()).isPositive().isEqualTo(row.completionTokens());
        assertThat(row.stream()).isTrue();
        assertThat(row.status()).isEqualTo(200);
    }

    @Test
    void the_model_listing_names_every_model_the_key_opens_with_its_provider() {
        List<Model> models = client.models().list().data();

        assertThat(models).extracting(Model::id).containsExactlyInAnyOrder("mock-gpt", "mock-mini", "remote-gpt");
        assertThat(models).filteredOn(model -> model.id().equals("mock-gpt"))
                .singleElement().returns("Local mock", Model::ownedBy);
    }

    @Test
    void a_wrong_key_is_the_sdks_typed_unauthorized_exception() {
        OpenAIClient stranger = sdk("not-a-key");
        try {
            assertThatThrownBy(() -> stranger.chat().completions().create(chat("mock-gpt")))
                    .isInstanceOfSatisfying(UnauthorizedException.class, error -> {
                        assertThat(error.statusCode()).isEqualTo(401);
                        assertThat(error.code()).contains("invalid_api_key");
                    });
            assertThatThrownBy(() -> stranger.models().list())
                    .isInstanceOfSatisfying(UnauthorizedException.class,
                            error -> assertThat(error.statusCode()).isEqualTo(401));
        } finally {
            stranger.close();
        }
        assertThat(proxy.usageRows()).isEmpty();
    }

    @Test
    void an_unknown_model_is_the_sdks_typed_not_found_exception() {
        assertThatThrownBy(() -> client.chat().completions().create(chat("no-such-model")))
                .isInstanceOfSatisfying(NotFoundException.class, error -> {
                    assertThat(error.statusCode()).isEqualTo(404);
                    assertThat(error.code()).contains("model_not_found");
                });
    }

    @Test
    void a_chat_through_an_openai_compatible_upstream_reaches_the_sdk_as_the_upstream_said_it() throws Exception {
        upstream.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "application/json")
                .body("""
                        {"id":"chatcmpl-up-1","object":"chat.completion","created":1700000000,"model":"remote-gpt",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"Upstream says hi"},
                                     "logprobs":null,"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":11,"completion_tokens":3,"total_tokens":14}}""")
                .build());

        ChatCompletion completion = client.chat().completions().create(chat("remote-gpt"));

        assertThat(completion.id()).isEqualTo("chatcmpl-up-1");
        assertThat(completion.choices().getFirst().message().content()).contains("Upstream says hi");
        assertThat(completion.usage().map(CompletionUsage::totalTokens)).contains(14L);
        RecordedRequest sent = upstream.takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent).isNotNull();
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer upstream-secret-key");
        assertThat(sent.getBody().utf8()).contains("\"model\":\"remote-gpt\"", MESSAGE);
        assertThat(proxy.awaitUsageRows(1)).singleElement()
                .returns(14L, Usage::totalTokens)
                .returns(200, Usage::status);
    }

    @Test
    void a_stream_through_an_openai_compatible_upstream_reaches_the_sdk_whole() {
        upstream.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .chunkedBody(sse("chatcmpl-up-2", "Hel", "lo ", "SDK"), 16)
                .build());

        String text;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                chat("remote-gpt"))) {
            text = stream.stream()
                    .flatMap(chunk -> chunk.choices().stream())
                    .map(choice -> choice.delta().content())
                    .flatMap(Optional::stream)
                    .collect(Collectors.joining());
        }

        assertThat(text).isEqualTo("Hello SDK");
        assertThat(proxy.awaitUsageRows(1)).singleElement().returns(200, Usage::status);
    }

    /** An OpenAI stream: a role chunk, one chunk per piece, a finish chunk, a usage chunk, [DONE]. */
    private static String sse(String id, String... pieces) {
        return OpenAiReplies.sseBody(id, "remote-gpt", 1700000000, 9, 3, List.of(pieces));
    }
}
