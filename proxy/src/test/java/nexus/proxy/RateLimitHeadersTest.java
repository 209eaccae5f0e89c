package nexus.proxy;

import static nexus.proxy.ProxyWithUpstream.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import mockwebserver3.MockResponse;
import okhttp3.Headers;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import nexus.shared.db.ModelType;
import nexus.shared.db.ProviderKind;

/**
 * An upstream's rate-limit headers ({@code Retry-After}, {@code retry-after-ms}, {@code x-ratelimit-*},
 * {@code anthropic-ratelimit-*}) reach the client on errors and on answers, JSON and streams, whatever the endpoint and
 * the provider kind; its other headers do not.
 */
class RateLimitHeadersTest {

    private static final String CLAUDE = "claude-x";
    private static final Map<String, String> LIMITS = Map.of(
            "Retry-After", "7",
            "retry-after-ms", "6500",
            "x-ratelimit-limit-requests", "60",
            "x-ratelimit-remaining-requests", "0",
            "x-ratelimit-reset-tokens", "1m30s",
            "anthropic-ratelimit-requests-remaining", "0",
            "anthropic-ratelimit-tokens-reset", "2026-01-01T00:00:30Z");
    private static final String CHAT = "{\"model\":\"%s\",%s\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String MESSAGES = "{\"model\":\"%s\",\"max_tokens\":20,%s"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String STREAM = "\"stream\":true,";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    @BeforeEach
    void addProviders() {
        gateway.proxy().addProvider("Anthropic", ProviderKind.ANTHROPIC, gateway.upstream().url("/v1").toString(),
                KEY, CLAUDE);
        gateway.proxy().addModel(gateway.providerId(), "text-embedding-3-small", ModelType.EMBEDDING);
    }

    /** One way to reach an upstream: the path, the body, and what the upstream answers when all goes well. */
    record Call(String name, String path, String body, MockResponse.Builder success) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Call> calls() {
        List<String> chunks = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", "Hel", "lo"));
        chunks.add("[DONE]");
        String openAiStream = OpenAiReplies.sse(chunks);
        String anthropicStream = AnthropicReplies.sse(AnthropicReplies.streamEvents(CLAUDE, 5, 0, 2, "Hel", "lo"));
        return Stream.of(
                new Call("chat, openai", "/v1/chat/completions", CHAT.formatted("gpt-4", ""),
                        json(OpenAiReplies.completion("gpt-4", "Hello", 5, 1))),
                new Call("chat stream, openai", "/v1/chat/completions", CHAT.formatted("gpt-4", STREAM),
                        sse(openAiStream)),
                new Call("chat, anthropic", "/v1/chat/completions", CHAT.formatted(CLAUDE, ""),
                        json(AnthropicReplies.message(CLAUDE, "Hello", 5, 0, 1))),
                new Call("chat stream, anthropic", "/v1/chat/completions", CHAT.formatted(CLAUDE, STREAM),
                        sse(anthropicStream)),
                new Call("messages, openai", "/v1/messages", MESSAGES.formatted("gpt-4", ""),
                        json(OpenAiReplies.completion("gpt-4", "Hello", 5, 1))),
                new Call("messages stream, openai", "/v1/messages", MESSAGES.formatted("gpt-4", STREAM),
                        sse(openAiStream)),
                new Call("messages, anthropic", "/v1/messages", MESSAGES.formatted(CLAUDE, ""),
                        json(AnthropicReplies.message(CLAUDE, "Hello", 5, 0, 1))),
                new Call("messages stream, anthropic", "/v1/messages", MESSAGES.formatted(CLAUDE, STREAM),
                        sse(anthropicStream)),
                new Call("count_tokens, anthropic", "/v1/messages/count_tokens", CHAT.formatted(CLAUDE, ""),
                        json("{\"input_tokens\":9}")),
                new Call("embeddings, openai", "/v1/embeddings",
                        "{\"model\":\"text-embedding-3-small\",\"input\":\"Hi\"}",
                        json(Fixtures.read("embeddings/openai-float.json"))));
    }

    private static MockResponse.Builder json(String body) {
        return new MockResponse.Builder().setHeader("Content-Type", "application/json").body(body);
    }

    private static MockResponse.Builder sse(String body) {
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").chunkedBody(body, 64);
    }

    private static MockResponse.Builder withLimits(MockResponse.Builder answer) {
        LIMITS.forEach(answer::setHeader);
        return answer.setHeader("x-upstream-internal", "not for clients").setHeader("Set-Cookie", "session=upstream");
    }

    private Response send(Call call) throws Exception {
        Request request = gateway.proxy().postWithHeaders(call.path(), call.body(), "Authorization", "Bearer " + KEY);
        return gateway.proxy().execute(request);
    }

    private static void assertLimitsPassedOn(Headers headers) {
        LIMITS.forEach((name, value) -> assertThat(headers.get(name)).as(name).isEqualTo(value));
        assertThat(headers.get("x-upstream-internal")).isNull();
        assertThat(headers.get("Set-Cookie")).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    void an_upstream_429s_rate_limit_headers_reach_the_client(Call call) throws Exception {
        gateway.upstream().enqueue(withLimits(json("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
                + "\"message\":\"Slow down\"}}")).code(429).build());

        try (Response response = send(call)) {
            assertThat(response.code()).isEqualTo(429);
            assertLimitsPassedOn(response.headers());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    void an_upstream_answers_rate_limit_headers_reach_the_client(Call call) throws Exception {
        gateway.upstream().enqueue(withLimits(call.success()).build());

        try (Response response = send(call)) {
            String body = response.body().string();
            assertThat(response.code()).as(body).isEqualTo(200);
            assertLimitsPassedOn(response.headers());
        }
    }
}
