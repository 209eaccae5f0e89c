package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.ErrorType;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/**
 * Contract test: the official Anthropic Java SDK talks to the proxy's {@code /v1/messages} as it would to Anthropic.
 * The built-in mock kind answers most calls; a MockWebServer is an OpenAI-compatible provider and an Anthropic one.
 */
class AnthropicSdkMessagesTest {

    private static final String KEY = "sdk-client-key";
    private static final String MESSAGE = "Hello from the Anthropic SDK, 你好!";

    @StartStop
    final MockWebServer upstream = new MockWebServer();

    @TempDir
    Path dir;

    ProxyServer proxy;
    AnthropicClient client;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        proxy.addProvider("Local mock", ProviderKind.MOCK, "mock://local?chunks=4&delay_ms=0", KEY, "mock-claude");
        proxy.addProvider("Compatible", ProviderKind.OPENAI, upstream.url("/v1").toString(), KEY, "remote-gpt");
        proxy.addProvider("Anthropic", ProviderKind.ANTHROPIC, upstream.url("/v1").toString(), KEY, "claude-relay");
        client = sdk(AnthropicOkHttpClient.builder().apiKey(KEY));
    }

    @AfterEach
    void stop() {
        client.close();
        proxy.close();
    }

    private AnthropicClient sdk(AnthropicOkHttpClient.Builder builder) {
        return builder
                .baseUrl(proxy.url(""))
                .maxRetries(0)  // a retry would hide a failure, and back off for seconds
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    private static MessageCreateParams ask(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(200).addUserMessage(MESSAGE).build();
    }

    @Test
    void a_message_reads_as_the_sdks_typed_message_with_text_and_usage() {
        Message message = client.messages().create(ask("mock-claude"));

        assertThat(message.model().asString()).isEqualTo("mock-claude");
        assertThat(message.content()).singleElement()
                .satisfies(block -> assertThat(block.asText().text()).isEqualTo(MESSAGE));
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(message.usage().inputTokens()).isPositive().isEqualTo(row.promptTokens());
        assertThat(message.usage().outputTokens()).isPositive().isEqualTo(row.completionTokens());
        assertThat(row.endpoint()).isEqualTo("messages");
        assertThat(row.stream()).isFalse();
    }

    @Test
    void a_streamed_message_accumulates_to_the_echoed_text_and_its_usage() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(ask("mock-claude"))) {
            stream.stream().forEach(accumulator::accumulate);
        }

        Message message = accumulator.message();
        assertThat(message.content()).singleElement()
                .satisfies(block -> assertThat(block.asText().text()).isEqualTo(MESSAGE));
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(message.usage().outputTokens()).isPositive().isEqualTo(row.completionTokens());
        assertThat(message.usage().inputTokens()).isEqualTo(row.promptTokens());
        assertThat(row.stream()).isTrue();
        assertThat(row.status()).isEqualTo(200);
    }

    @Test
    void a_bearer_auth_token_opens_the_same_models_as_the_api_key() {
        AnthropicClient bearer = sdk(AnthropicOkHttpClient.builder().authToken(KEY));
        try {
            assertThat(bearer.messages().create(ask("mock-claude")).content()).hasSize(1);
        } finally {
            bearer.close();
        }
    }

    @Test
    void a_wrong_key_is_the_sdks_typed_unauthorized_exception() throws Exception {
        AnthropicClient stranger = sdk(AnthropicOkHttpClient.builder().apiKey("not-a-key"));
        try {
            assertThatThrownBy(() -> stranger.messages().create(ask("mock-claude")))
                    .isInstanceOfSatisfying(UnauthorizedException.class, error -> {
                        assertThat(error.statusCode()).isEqualTo(401);
                        assertThat(error.errorType()).contains(ErrorType.AUTHENTICATION_ERROR);
                    });
        } finally {
            stranger.close();
        }
        assertThat(proxy.usageRowsBeforeABarrier()).isEmpty();
    }

    @Test
    void an_unknown_model_is_the_sdks_typed_not_found_exception() {
        assertThatThrownBy(() -> client.messages().create(ask("claude-none")))
                .isInstanceOfSatisfying(NotFoundException.class, error -> {
                    assertThat(error.statusCode()).isEqualTo(404);
                    assertThat(error.errorType()).contains(ErrorType.NOT_FOUND_ERROR);
                });
    }

    @Test
    void a_tool_call_and_its_result_make_the_round_trip_through_an_openai_compatible_upstream() throws Exception {
        upstream.enqueue(OpenAiReplies.json("""
                {"id":"chatcmpl-tool-1","object":"chat.completion","created":1700000000,"model":"remote-gpt",
                 "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
                   {"id":"call_7","type":"function",
                    "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                   "finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":40,"completion_tokens":9,"total_tokens":49}}"""));
        upstream.enqueue(OpenAiReplies.json(OpenAiReplies.completion("remote-gpt", "Sunny in Paris.", 60, 5)));
        Tool weather = Tool.builder().name("get_weather").description("Current weather of a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build())
                .build();
        MessageCreateParams question = MessageCreateParams.builder().model("remote-gpt").maxTokens(200)
                .addTool(weather).addUserMessage("Weather in Paris?").build();

        Message first = client.messages().create(question);

        assertThat(first.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock call = first.content().getFirst().asToolUse();
        assertThat(call.id()).isEqualTo("call_7");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call._input().convert(Map.class)).isEqualTo(Map.of("city", "Paris"));

        Message second = client.messages().create(question.toBuilder()
                .addMessage(first)
                .addUserMessageOfBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(call.id()).content("18 degrees, sunny").build())))
                .build());

        assertThat(second.content()).extracting(block -> block.asText().text()).containsExactly("Sunny in Paris.");
        upstream.takeRequest(5, TimeUnit.SECONDS);
        RecordedRequest followUp = upstream.takeRequest(5, TimeUnit.SECONDS);
        JsonNode messages = Sse.tree(followUp.getBody().utf8()).path("messages");
        assertThat(messages.get(1).path("tool_calls").path(0).path("id").asText()).isEqualTo("call_7");
        assertThat(messages.get(2)).isEqualTo(Sse.tree(
                "{\"role\":\"tool\",\"tool_call_id\":\"call_7\",\"content\":\"18 degrees, sunny\"}"));
        assertThat(proxy.awaitUsageRows(2)).extracting(Usage::totalTokens).containsExactly(49L, 65L);
    }

    @Test
    void a_message_through_an_anthropic_provider_reaches_the_sdk_as_the_provider_said_it() throws Exception {
        upstream.enqueue(OpenAiReplies.json(
                AnthropicReplies.message("claude-relay", "Relayed as it came", 21, 188, 9)));

        Message message = client.messages().create(ask("claude-relay"));

        assertThat(message.id()).isEqualTo("msg_01XFDUDYJgAACzvnptvVoYEL");
        assertThat(message.content().getFirst().asText().text()).isEqualTo("Relayed as it came");
        assertThat(message.usage().cacheReadInputTokens()).contains(188L);
        RecordedRequest sent = upstream.takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/messages");
        assertThat(sent.getHeaders().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(Sse.tree(sent.getBody().utf8()).path("messages").path(0).path("content").asText())
                .isEqualTo(MESSAGE);
        assertThat(proxy.awaitUsageRows(1)).singleElement().returns(21L + 188 + 9, Usage::totalTokens);
    }

    @Test
    void a_stream_through_an_anthropic_provider_accumulates_in_the_sdk() {
        upstream.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .chunkedBody(AnthropicReplies.sse(AnthropicReplies.streamEvents("claude-relay", 25, 0, 3,
                        "Hel", "lo ", "SDK")), 32)
                .build());

        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(ask("claude-relay"))) {
            stream.stream().forEach(accumulator::accumulate);
        }

        assertThat(accumulator.message().content().getFirst().asText().text()).isEqualTo("Hello SDK");
        assertThat(accumulator.message().usage().outputTokens()).isEqualTo(3);
        assertThat(proxy.awaitUsageRows(1)).singleElement().returns(200, Usage::status);
    }

    @Test
    void a_stream_that_breaks_is_the_sdks_service_exception_with_an_api_error() {
        List<String> chunks = new ArrayList<>(OpenAiReplies.answerChunks("remote-gpt",
                "Once upon", " a time", " there was", " a gateway", " that relayed", " every token"));
        chunks.add("[DONE]");
        upstream.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(OpenAiReplies.sse(chunks))
                .onResponseBody(new SocketEffect.CloseSocket())
                .build());
        List<RawMessageStreamEvent> received = new ArrayList<>();

        assertThatThrownBy(() -> {
            try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(ask("remote-gpt"))) {
                stream.stream().forEach(received::add);
            }
        }).isInstanceOfSatisfying(AnthropicServiceException.class,
                error -> assertThat(error.errorType()).contains(ErrorType.API_ERROR));
        assertThat(received).isNotEmpty().noneMatch(RawMessageStreamEvent::isMessageStop);
        assertThat(proxy.awaitUsageRows(1).getFirst().truncated()).isTrue();
    }
}
