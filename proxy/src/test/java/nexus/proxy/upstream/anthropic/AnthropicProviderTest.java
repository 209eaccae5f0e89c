package nexus.proxy.upstream.anthropic;

import static nexus.proxy.ProxyWithUpstream.assertFailedBeforeAnswer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.Sse;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** OpenAI chat requests through the proxy to an upstream speaking Anthropic's Messages API, and back. */
class AnthropicProviderTest {

    static final String MODEL = "claude-sonnet-4-5";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream("Anthropic", ProviderKind.ANTHROPIC, MODEL);

    @Test
    void a_chat_completion_is_sent_as_a_message_and_answered_as_a_chat_completion_with_reported_cache_tokens()
            throws Exception {
        String fixture = "usage-with-cache-tokens";
        gateway.upstream().enqueue(OpenAiReplies.json(TranslationCases.text(fixture, "anthropic-response.json")));
        long before = Instant.now().getEpochSecond();

        Reply reply = gateway.send(TranslationCases.text(fixture, "openai-request.json"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        ObjectNode answer = (ObjectNode) Sse.tree(reply.body());
        assertThat(answer.path("created").asLong()).isBetween(before, Instant.now().getEpochSecond());
        answer.put("created", AnthropicResponsesTest.CREATED);  // the one field the fixture cannot know
        assertThat(answer.remove("nexus").path("generation_id").asText()).isEqualTo(gateway.onlyRow().requestId());
        assertThat(TranslationCases.asRead(answer)).isEqualTo(TranslationCases.json(fixture, "openai-response.json"));

        RecordedRequest sent = gateway.upstream().takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent).isNotNull();
        assertThat(sent.getMethod()).isEqualTo("POST");
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/messages");
        assertThat(sent.getHeaders().get("x-api-key")).isEqualTo("upstream-secret-key");
        assertThat(sent.getHeaders().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(sent.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(sent.getHeaders().get("Authorization")).isNull();
        assertThat(Sse.tree(sent.getBody().utf8())).isEqualTo(TranslationCases.json(fixture, "anthropic-request.json"));

        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.stream()).isFalse();
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(row.promptTokens()).isEqualTo(21 + 188 + 2051);
        assertThat(row.completionTokens()).isEqualTo(9);
        assertThat(row.totalTokens()).isEqualTo(21 + 188 + 2051 + 9);
        assertThat(row.cacheReadTokens()).isEqualTo(2051);
        assertThat(row.cacheCreationTokens()).isEqualTo(188);
        assertThat(row.model()).isEqualTo(MODEL);
    }

    @Test
    void an_anthropic_error_reaches_the_client_in_openai_shape_with_its_status() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(400, "{\"type\":\"error\",\"error\":{\"type\":"
                + "\"invalid_request_error\",\"message\":\"messages: text content blocks must be non-empty\"},"
                + "\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}"));

        Reply reply = gateway.send(TranslationCases.text("plain-text", "openai-request.json"));

        assertThat(reply.status()).isEqualTo(400);
        ErrorBody error = ErrorBody.of(reply.body());
        assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("invalid_request_error", "invalid_request", null));
        assertThat(error.message()).isEqualTo("Upstream provider 'Anthropic' answered HTTP 400: messages: text content "
                + "blocks must be non-empty");
        assertFailedBeforeAnswer(gateway.onlyRow(), 400, "invalid_request");
    }

    @Test
    void an_overloaded_anthropic_is_a_503_the_client_may_retry() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(529, "{\"type\":\"error\",\"error\":{\"type\":"
                + "\"overloaded_error\",\"message\":\"Overloaded\"}}"));

        Reply reply = gateway.send(TranslationCases.text("plain-text", "openai-request.json"));

        assertThat(reply.status()).isEqualTo(503);
        assertThat(ErrorBody.of(reply.body()).withoutMessage())
                .isEqualTo(ErrorBody.of("server_error", "upstream_overloaded", null));
        assertFailedBeforeAnswer(gateway.onlyRow(), 503, "upstream_overloaded");
    }

    @Test
    void a_request_anthropic_cannot_express_is_a_400_naming_the_field_that_reaches_no_upstream_and_is_not_recorded()
            throws Exception {
        Reply reply = gateway.send("{\"model\":\"" + MODEL + "\",\"n\":3,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Three answers, please\"}]}");

        assertThat(reply.status()).isEqualTo(400);
        ErrorBody error = ErrorBody.of(reply.body());
        assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("invalid_request_error", "invalid_request", "n"));
        assertThat(error.message()).contains("'n' must be 1");
        assertThat(gateway.upstream().getRequestCount()).isZero();
        String barrierId = barrierRequest();
        assertThat(gateway.proxy().awaitUsageRows(rows -> rows.stream().anyMatch(row -> row.requestId().equals(barrierId))))
                .extracting(Usage::requestId).containsExactly(barrierId);
    }

    /** A request that is recorded, sent after one that must not be: once its row is there, an earlier one would be. */
    private String barrierRequest() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(TranslationCases.text("plain-text", "anthropic-response.json")));
        try (Response response = gateway.chat(TranslationCases.text("plain-text", "openai-request.json"))) {
            assertThat(response.code()).isEqualTo(200);
            return response.header("X-Request-Id");
        }
    }

    @Test
    void the_answer_of_a_non_streamed_request_is_the_fixture_translation_of_the_message() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(TranslationCases.text("plain-text", "anthropic-response.json")));

        Reply reply = gateway.send(TranslationCases.text("plain-text", "openai-request.json"));

        JsonNode answer = Sse.tree(reply.body());
        assertThat(answer.path("choices").path(0).path("message").path("content").asText())
                .isEqualTo("Hello! How can I help you today?");
        assertThat(answer.path("object").asText()).isEqualTo("chat.completion");
        assertThat(gateway.onlyRow().usageSource()).isEqualTo(UsageSource.REPORTED);
    }
}
