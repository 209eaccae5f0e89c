package nexus.proxy.responses;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.AnthropicReplies;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.proxy.Sse;
import nexus.shared.db.ModelType;
import nexus.shared.db.NewProvider;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.ResponsesMode;
import nexus.shared.db.Usage;

/**
 * Contract test: the official OpenAI Java SDK's {@code responses()} talks to the proxy as it would to OpenAI, against
 * translated providers (the mock kind, an anthropic upstream) and a pass-through one (a server speaking the Responses
 * API): a response, a stream, and a two-turn conversation by {@code previous_response_id}. Every typed object is
 * validated whole, so a missing or mistyped required field fails.
 */
class OpenAiSdkResponsesTest {

    private static final String KEY = "sdk-responses-key";
    private static final String MESSAGE = "Hello from the Responses API, 你好!";

    @StartStop
    final MockWebServer anthropic = new MockWebServer();

    @StartStop
    final MockWebServer nativeServer = new MockWebServer();

    @TempDir
    Path dir;

    ProxyServer proxy;
    OpenAIClient client;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        proxy.addProvider("Mock", ProviderKind.MOCK, "mock://local?chunks=4&delay_ms=0", KEY, "mock-gpt");
        proxy.addProvider("Claude", ProviderKind.ANTHROPIC, anthropic.url("/v1").toString(), KEY, "claude-test");
        long id = proxy.database().dao(ProviderDao.class).insert(new NewProvider("OpenAI", ProviderKind.OPENAI,
                nativeServer.url("/v1").toString(), "upstream-secret-key", KEY, "", true, 1L, "", ResponsesMode.NATIVE));
        proxy.addModel(id, "gpt-native", ModelType.CHAT);
        client = OpenAIOkHttpClient.builder().baseUrl(proxy.url("/v1")).apiKey(KEY).maxRetries(0)
                .timeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        proxy.close();
    }

    private static ResponseCreateParams params(String model, String input) {
        return ResponseCreateParams.builder().model(model).input(input).build();
    }

    @Test
    void a_translated_response_reads_as_the_sdks_typed_object_with_text_and_usage() {
        Response response = client.responses().create(params("mock-gpt", MESSAGE));

        response.validate();
        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(text(response)).isEqualTo(MESSAGE);
        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(row.endpoint()).isEqualTo("responses");
        assertThat(response.usage().orElseThrow().outputTokens()).isPositive().isEqualTo(row.completionTokens());
        assertThat(response.usage().orElseThrow().inputTokens()).isEqualTo(row.promptTokens());
        assertThat(client.responses().retrieve(response.id())).isEqualTo(response);
    }

    @Test
    void a_translated_stream_validates_event_by_event_and_assembles_to_the_text() {
        List<ResponseStreamEvent> events;
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params("mock-gpt",
                MESSAGE))) {
            events = stream.stream().toList();
        }

        events.forEach(ResponseStreamEvent::validate);
        assertThat(events.getFirst().isCreated()).isTrue();
        assertThat(events.stream().filter(ResponseStreamEvent::isOutputTextDelta)
                .map(event -> event.asOutputTextDelta().delta()).collect(Collectors.joining())).isEqualTo(MESSAGE);
        assertThat(events.getLast().isCompleted()).isTrue();
        assertThat(text(events.getLast().asCompleted().response())).isEqualTo(MESSAGE);
    }

    @Test
    void a_second_turn_by_previous_response_id_carries_the_first_to_the_mock() {
        Response first = client.responses().create(params("mock-gpt", "First question"));
        Response second = client.responses().create(params("mock-gpt", "Second question").toBuilder()
                .previousResponseId(first.id()).build());

        second.validate();
        assertThat(second.previousResponseId()).contains(first.id());
        assertThat(text(second)).isEqualTo("Second question");
        assertThat(second.usage().orElseThrow().inputTokens())
                .isGreaterThan(first.usage().orElseThrow().inputTokens() + first.usage().orElseThrow().outputTokens());
    }

    @Test
    void a_two_turn_conversation_by_the_conversation_parameter_lands_in_it_in_order() throws Exception {
        String conversation = client.conversations().create().validate().id();

        Response first = client.responses().create(params("mock-gpt", "First question").toBuilder()
                .conversation(conversation).build());
        Response second = client.responses().create(params("mock-gpt", "Second question").toBuilder()
                .conversation(conversation).build());

        second.validate();
        assertThat(second.conversation().orElseThrow().id()).isEqualTo(conversation);
        assertThat(second.usage().orElseThrow().inputTokens())
                .isGreaterThan(first.usage().orElseThrow().inputTokens() + first.usage().orElseThrow().outputTokens());
        assertThat(ConversationReads.items(proxy, KEY, conversation)).containsExactly("user: First question",
                "assistant: First question", "user: Second question", "assistant: Second question");
    }

    @Test
    void an_anthropic_upstream_serves_a_two_turn_conversation_and_a_stream() throws Exception {
        anthropic.enqueue(OpenAiReplies.json(AnthropicReplies.message("claude-test", "Paris.", 12, 0, 3)));
        anthropic.enqueue(OpenAiReplies.json(AnthropicReplies.message("claude-test", "2.1 million.", 20, 0, 4)));
        anthropic.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(AnthropicReplies.sse(AnthropicReplies.streamEvents("claude-test", 9, 0, 2, "Bon", "jour")))
                .build());

        Response first = client.responses().create(params("claude-test", "Capital of France?").toBuilder()
                .instructions("Be terse.").build());
        Response second = client.responses().create(params("claude-test", "Its population?").toBuilder()
                .previousResponseId(first.id()).build());
        String streamed;
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params("claude-test",
                "Say hello in French"))) {
            streamed = stream.stream().peek(ResponseStreamEvent::validate).filter(ResponseStreamEvent::isOutputTextDelta)
                    .map(event -> event.asOutputTextDelta().delta()).collect(Collectors.joining());
        }

        first.validate();
        second.validate();
        assertThat(text(first)).isEqualTo("Paris.");
        assertThat(text(second)).isEqualTo("2.1 million.");
        assertThat(streamed).isEqualTo("Bonjour");
        JsonNode sentFirst = Sse.tree(take(anthropic).getBody().utf8());
        assertThat(sentFirst.path("system").toString()).contains("Be terse.");
        JsonNode sentSecond = Sse.tree(take(anthropic).getBody().utf8());
        assertThat(sentSecond.path("messages").findValuesAsText("role")).containsExactly("user", "assistant", "user");
        assertThat(sentSecond.path("messages").toString()).contains("Capital of France?", "Paris.", "Its population?");
        assertThat(sentSecond.has("system")).isFalse();
    }

    @Test
    void a_pass_through_server_answers_as_it_would_to_openai_in_two_turns_and_a_stream() throws Exception {
        nativeServer.enqueue(OpenAiReplies.json(NativeResponsesTest.RESPONSE));
        nativeServer.enqueue(OpenAiReplies.json(NativeResponsesTest.RESPONSE.replace("resp_up1", "resp_up3")));
        nativeServer.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(NativeResponsesTest.STREAM).build());

        Response first = client.responses().create(params("gpt-native", "Hi"));
        Response second = client.responses().create(params("gpt-native", "Again").toBuilder()
                .previousResponseId(first.id()).build());
        List<ResponseStreamEvent> events;
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params("gpt-native",
                "Hi"))) {
            events = stream.stream().toList();
        }

        assertThat(first.id()).isEqualTo("resp_up1");
        assertThat(text(first)).isEqualTo("Hi!");
        assertThat(second.id()).isEqualTo("resp_up3");
        take(nativeServer);
        JsonNode sentSecond = Sse.tree(take(nativeServer).getBody().utf8());
        assertThat(sentSecond.path("previous_response_id").asText()).isEqualTo("resp_up1");
        assertThat(sentSecond.path("input").asText()).isEqualTo("Again");
        assertThat(events.stream().filter(ResponseStreamEvent::isOutputTextDelta)
                .map(event -> event.asOutputTextDelta().delta()).collect(Collectors.joining())).isEqualTo("Hi");
        assertThat(events.getLast().asCompleted().response().id()).isEqualTo("resp_up2");
    }

    private static RecordedRequest take(MockWebServer server) throws InterruptedException {
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).as("the upstream was called").isNotNull();
        return request;
    }

    /** The text of every output_text part of every message, as the SDK reads them. */
    private static String text(Response response) {
        return response.output().stream().filter(item -> item.isMessage())
                .flatMap(item -> item.asMessage().content().stream())
                .filter(content -> content.isOutputText())
                .map(content -> content.asOutputText().text())
                .collect(Collectors.joining());
    }
}
