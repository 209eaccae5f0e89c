package nexus.proxy.anthropic;

import static nexus.proxy.ProxyWithUpstream.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import mockwebserver3.RecordedRequest;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import nexus.proxy.AnthropicErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.Sse;
import nexus.proxy.usage.TokenCounter;
import nexus.shared.db.ProviderKind;

/**
 * POST /v1/messages/count_tokens: asked of an anthropic provider's own endpoint and answered as it came, counted with
 * the tokenizer for the other kinds; the key, validation and errors of /v1/messages; never a usage row.
 */
class CountTokensTest {

    private static final String PATH = "/v1/messages/count_tokens";
    private static final String QUESTION = "{\"model\":\"%s\",\"system\":\"Be brief.\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"How many tokens is this?\"}]}";
    private static final String CLAUDE = "claude-sonnet-4-5";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    private Reply send(String json, String... headers) throws IOException {
        try (Response response = gateway.proxy().execute(gateway.proxy().postWithHeaders(PATH, json, headers))) {
            return Reply.of(response);
        }
    }

    private Reply count(String json) throws IOException {
        return send(json, "x-api-key", KEY, "anthropic-version", "2023-06-01");
    }

    @Test
    void an_openai_compatible_provider_is_not_asked_and_the_count_is_the_tokenizers() throws Exception {
        Reply reply = count(QUESTION.formatted("gpt-4"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        int expected = new TokenCounter().countPrompt(Sse.tree("""
                [{"role":"system","content":"Be brief."},{"role":"user","content":"How many tokens is this?"}]"""),
                "gpt-4");
        assertThat(Sse.tree(reply.body())).isEqualTo(Sse.tree("{\"input_tokens\":" + expected + "}"));
        assertThat(gateway.upstream().getRequestCount()).isZero();
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).isEmpty();
    }

    @Test
    void tools_count_too() throws Exception {
        String withTools = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}],"
                + "\"tools\":[{\"name\":\"get_weather\",\"description\":\"Current weather of a city\","
                + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]}";
        String withoutTools = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}]}";

        long with = Sse.tree(count(withTools).body()).path("input_tokens").asLong();
        long without = Sse.tree(count(withoutTools).body()).path("input_tokens").asLong();

        assertThat(with).isGreaterThan(without + 10);
    }

    @Test
    void the_mock_provider_answers_with_the_tokenizers_count() throws Exception {
        gateway.proxy().addProvider("Mock", ProviderKind.MOCK, "mock://local?delay_ms=0", KEY, "mock-model");

        Reply reply = send(QUESTION.formatted("mock-model"), "Authorization", "Bearer " + KEY);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(Sse.tree(reply.body()).path("input_tokens").asLong()).isPositive();
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).isEmpty();
    }

    @Test
    void an_anthropic_provider_is_asked_at_its_count_tokens_endpoint_and_answers_as_it_came() throws Exception {
        gateway.proxy().addProvider("Anthropic", ProviderKind.ANTHROPIC, gateway.upstream().url("/v1").toString(),
                KEY, CLAUDE);
        gateway.upstream().enqueue(OpenAiReplies.json("{\"input_tokens\": 2095}"));
        String question = QUESTION.formatted(CLAUDE);

        Reply reply = send(question, "x-api-key", KEY, "anthropic-version", "2023-06-01",
                "anthropic-beta", "token-counting-2024-11-01");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("{\"input_tokens\": 2095}");
        RecordedRequest sent = gateway.upstreamRequest();
        assertThat(sent.getMethod()).isEqualTo("POST");
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/messages/count_tokens");
        assertThat(sent.getBody().utf8()).isEqualTo(question);
        assertThat(sent.getHeaders().get("x-api-key")).isEqualTo("upstream-secret-key");
        assertThat(sent.getHeaders().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(sent.getHeaders().get("anthropic-beta")).isEqualTo("token-counting-2024-11-01");
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).isEmpty();
    }

    @Test
    void an_anthropic_providers_error_reaches_the_client_in_anthropic_shape_with_its_status() throws Exception {
        gateway.proxy().addProvider("Anthropic", ProviderKind.ANTHROPIC, gateway.upstream().url("/v1").toString(),
                KEY, CLAUDE);
        gateway.upstream().enqueue(OpenAiReplies.json(429, "{\"type\":\"error\",\"error\":{\"type\":"
                + "\"rate_limit_error\",\"message\":\"Number of requests has exceeded your rate limit\"}}"));

        Reply reply = count(QUESTION.formatted(CLAUDE));

        assertThat(reply.status()).isEqualTo(429);
        AnthropicErrorBody error = AnthropicErrorBody.of(reply.body());
        assertThat(error.type()).isEqualTo("rate_limit_error");
        assertThat(error.message()).contains("exceeded your rate limit");
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no messages      | {\"model\":\"gpt-4\"}                                                | 400 | invalid_request_error | messages: Field required.",
            "a tool role      | {\"model\":\"gpt-4\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]} | 400 | invalid_request_error | messages.0.role: ",
            "an unknown model | {\"model\":\"claude-9\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | 404 | not_found_error | The model 'claude-9'",
    })
    void a_bad_request_is_refused_as_on_messages_in_anthropic_shape(String caseName, String json, int status,
                                                                     String type, String message) throws Exception {
        Reply reply = count(json);

        assertThat(reply.status()).isEqualTo(status);
        AnthropicErrorBody error = AnthropicErrorBody.of(reply.body());
        assertThat(error.type()).isEqualTo(type);
        assertThat(error.message()).startsWith(message);
        assertThat(gateway.upstream().getRequestCount()).isZero();
    }

    @Test
    void no_key_is_401_authentication_error() throws Exception {
        Request request = gateway.proxy().postWithHeaders(PATH, QUESTION.formatted("gpt-4"));
        try (Response response = gateway.proxy().execute(request)) {
            assertThat(response.code()).isEqualTo(401);
            assertThat(AnthropicErrorBody.of(response.body().string()).type()).isEqualTo("authentication_error");
        }
    }
}
