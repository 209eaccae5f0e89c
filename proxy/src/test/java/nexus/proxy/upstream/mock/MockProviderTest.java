package nexus.proxy.upstream.mock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.ErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.proxy.Sse;
import nexus.proxy.usage.TokenCounter;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** The built-in mock kind: an echo of the last user message, streamed in the configured number of chunks. */
class MockProviderTest {

    private static final String KEY = "client-key-1";
    private static final String MODEL = "mock-echo";
    private static final String MESSAGES = "[{\"role\":\"system\",\"content\":\"You echo.\"},"
            + "{\"role\":\"user\",\"content\":\"An earlier question\"},"
            + "{\"role\":\"assistant\",\"content\":\"An earlier answer\"},"
            + "{\"role\":\"user\",\"content\":\"Echo this sentence back, please — 你好!\"}]";
    private static final String LAST_USER = "Echo this sentence back, please — 你好!";

    @TempDir
    Path dir;

    ProxyServer proxy;
    final TokenCounter tokens = new TokenCounter();

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        proxy.addProvider("Mock", ProviderKind.MOCK, "mock://local?chunks=3&delay_ms=0", KEY, MODEL);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private String send(String body) throws Exception {
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", KEY, body))) {
            assertThat(response.code()).isEqualTo(200);
            return response.body().string();
        }
    }

    private long promptTokens(String messages) {
        return tokens.countPrompt(Sse.tree(messages), MODEL);
    }

    @Test
    void a_non_streamed_answer_echoes_the_last_user_message_with_real_token_counts() throws Exception {
        JsonNode completion = Sse.tree(send("{\"model\":\"" + MODEL + "\",\"messages\":" + MESSAGES + "}"));

        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.path("model").asText()).isEqualTo(MODEL);
        JsonNode message = completion.path("choices").get(0).path("message");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("content").asText()).isEqualTo(LAST_USER);
        assertThat(completion.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        long prompt = promptTokens(MESSAGES);
        long completionTokens = tokens.count(LAST_USER, MODEL);
        JsonNode usage = completion.path("usage");
        assertThat(List.of(usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong(),
                usage.path("total_tokens").asLong()))
                .containsExactly(prompt, completionTokens, prompt + completionTokens);

        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(List.of(row.promptTokens(), row.completionTokens())).containsExactly(prompt, completionTokens);
        assertThat(row.providerName()).isEqualTo("Mock");
    }

    @Test
    void a_stream_has_exactly_the_configured_content_chunks_which_join_to_the_message() throws Exception {
        List<String> events = Sse.data(send("{\"model\":\"" + MODEL + "\",\"stream\":true,\"messages\":" + MESSAGES
                + "}"));

        assertThat(events.getLast()).isEqualTo("[DONE]");
        List<String> pieces = events.stream().filter(event -> event.startsWith("{")).map(Sse::content)
                .filter(content -> content != null && !content.isEmpty()).toList();
        assertThat(pieces).hasSize(3);
        assertThat(String.join("", pieces)).isEqualTo(LAST_USER);
        assertThat(events).noneMatch(event -> event.contains("\"usage\""));
        assertThat(events.stream().filter(event -> event.startsWith("{")))
                .allSatisfy(event -> assertThat(Sse.tree(event).path("object").asText())
                        .isEqualTo("chat.completion.chunk"));

        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(row.stream()).isTrue();
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(List.of(row.promptTokens(), row.completionTokens()))
                .containsExactly(promptTokens(MESSAGES), (long) tokens.count(LAST_USER, MODEL));
        assertThat(row.firstTokenMillis()).isNotNull();
    }

    @Test
    void max_tokens_cuts_the_echo_as_a_model_would_with_finish_reason_length() throws Exception {
        JsonNode completion = Sse.tree(send("{\"model\":\"" + MODEL + "\",\"max_tokens\":3,\"messages\":" + MESSAGES
                + "}"));
        List<String> events = Sse.data(send("{\"model\":\"" + MODEL + "\",\"stream\":true,\"max_completion_tokens\":3,"
                + "\"messages\":" + MESSAGES + "}"));

        String cut = completion.path("choices").get(0).path("message").path("content").asText();
        assertThat(LAST_USER).startsWith(cut).isNotEqualTo(cut);
        assertThat(tokens.count(cut, MODEL)).isEqualTo(3);
        assertThat(completion.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(completion.path("usage").path("completion_tokens").asLong()).isEqualTo(3);
        assertThat(events).anyMatch(event -> event.contains("\"finish_reason\":\"length\""));
        assertThat(String.join("", events.stream().filter(event -> event.startsWith("{")).map(Sse::content)
                .filter(content -> content != null).toList())).isEqualTo(cut);
    }

    @Test
    void a_client_that_asks_for_usage_gets_the_mocks_usage_chunk() throws Exception {
        List<String> events = Sse.data(send("{\"model\":\"" + MODEL + "\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":" + MESSAGES + "}"));

        JsonNode usageChunk = Sse.tree(events.get(events.size() - 2));
        assertThat(usageChunk.path("choices").isEmpty()).isTrue();
        assertThat(usageChunk.path("usage").path("completion_tokens").asLong())
                .isEqualTo(tokens.count(LAST_USER, MODEL));
    }

    @Test
    void text_parts_of_the_last_user_message_are_echoed_joined_by_newlines() throws Exception {
        String messages = "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"First part\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}},"
                + "{\"type\":\"text\",\"text\":\"second part\"}]}]";

        List<String> events = Sse.data(send("{\"model\":\"" + MODEL + "\",\"stream\":true,\"messages\":" + messages
                + "}"));

        assertThat(Sse.contents(events)).isEqualTo("First part\nsecond part");
    }

    @Test
    void a_message_shorter_than_the_chunk_count_streams_one_character_per_chunk() throws Exception {
        List<String> events = Sse.data(send("{\"model\":\"" + MODEL + "\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));

        assertThat(events.stream().filter(event -> event.startsWith("{")).map(Sse::content)
                .filter(content -> content != null && !content.isEmpty()).toList()).containsExactly("H", "i");
    }

    @Test
    void the_anthropic_messages_endpoint_gets_the_echo_as_an_anthropic_message() throws Exception {
        String anthropic = "{\"model\":\"" + MODEL + "\",\"max_tokens\":50,\"system\":\"You echo.\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"An earlier question\"},"
                + "{\"role\":\"assistant\",\"content\":\"An earlier answer\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + LAST_USER + "\"}]}]}";

        JsonNode message;
        try (Response response = proxy.execute(proxy.post("/v1/messages", KEY, anthropic))) {
            assertThat(response.code()).isEqualTo(200);
            message = Sse.tree(response.body().string());
        }

        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("model").asText()).isEqualTo(MODEL);
        assertThat(message.path("content")).isEqualTo(Sse.tree(
                "[{\"type\":\"text\",\"text\":" + OpenAiReplies.quote(LAST_USER) + "}]"));
        assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(row.endpoint()).isEqualTo("messages");
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(message.path("usage").path("input_tokens").asLong()).isEqualTo(row.promptTokens()).isPositive();
        assertThat(message.path("usage").path("output_tokens").asLong())
                .isEqualTo(row.completionTokens()).isEqualTo(tokens.count(LAST_USER, MODEL));
    }

    @Test
    void the_anthropic_messages_endpoint_streams_the_echo_as_text_deltas() throws Exception {
        List<Sse.Event> events;
        try (Response response = proxy.execute(proxy.post("/v1/messages", KEY, "{\"model\":\"" + MODEL
                + "\",\"max_tokens\":50,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                + OpenAiReplies.quote(LAST_USER) + "}]}"))) {
            assertThat(response.code()).isEqualTo(200);
            events = Sse.events(response.body().string());
        }

        List<String> deltas = events.stream().filter(event -> event.name().equals("content_block_delta"))
                .map(event -> event.json().path("delta").path("text").asText()).toList();
        assertThat(deltas).hasSize(3);
        assertThat(String.join("", deltas)).isEqualTo(LAST_USER);
        assertThat(events.getFirst().name()).isEqualTo("message_start");
        assertThat(events.getLast().name()).isEqualTo("message_stop");
        JsonNode usage = events.get(events.size() - 2).json().path("usage");
        assertThat(usage.path("output_tokens").asLong()).isEqualTo(tokens.count(LAST_USER, MODEL));
        assertThat(proxy.awaitUsageRows(1).getFirst().stream()).isTrue();
    }

    @Test
    void a_misconfigured_mock_provider_is_502_upstream_unavailable() throws Exception {
        proxy.addProvider("Broken mock", ProviderKind.MOCK, "mock://local?chunks=zero", "broken-key", MODEL);

        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", "broken-key",
                "{\"model\":\"" + MODEL + "\",\"messages\":" + MESSAGES + "}"))) {
            assertThat(response.code()).isEqualTo(502);
            ErrorBody error = ErrorBody.of(response.body().string());
            assertThat(error.code()).isEqualTo("upstream_unavailable");
            assertThat(error.message()).contains("chunks");
        }
        assertThat(proxy.awaitUsageRows(1).getFirst().status()).isEqualTo(502);
    }
}
