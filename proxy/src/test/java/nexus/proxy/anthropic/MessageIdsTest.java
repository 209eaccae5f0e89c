package nexus.proxy.anthropic;

import static nexus.proxy.ProxyWithUpstream.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.AnthropicReplies;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.Sse;
import nexus.shared.db.ProviderKind;

/**
 * What Anthropic's clients read to name an answer: a {@code msg_…} id on messages a translated provider answered
 * (never the upstream's {@code chatcmpl-…}), and the request's id as {@code request-id} beside {@code X-Request-Id} on
 * every answer of the Anthropic endpoints, errors included.
 */
class MessageIdsTest {

    private static final String HELLO = "{\"model\":\"%s\",\"max_tokens\":50,%s"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    private Response post(String path, String json, String key) throws Exception {
        return gateway.proxy().execute(gateway.proxy().postWithHeaders(path, json, "x-api-key", key,
                "anthropic-version", "2023-06-01"));
    }

    /** The request's id as the message id shows it: {@code req_abc} → {@code msg_abc}. */
    private static String messageIdOf(String requestId) {
        return "msg_" + requestId.substring("req_".length());
    }

    @Test
    void a_translated_answer_is_a_msg_id_and_carries_request_id() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Hello", 5, 1)));

        try (Response response = post("/v1/messages", HELLO.formatted("gpt-4", ""), KEY)) {
            String requestId = response.header("X-Request-Id");
            assertThat(requestId).startsWith("req_");
            assertThat(response.header("request-id")).isEqualTo(requestId);
            assertThat(Sse.tree(response.body().string()).path("id").asText()).isEqualTo(messageIdOf(requestId));
        }
    }

    @Test
    void a_translated_stream_starts_with_a_msg_id() throws Exception {
        List<String> chunks = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", "Hel", "lo"));
        chunks.add("[DONE]");
        gateway.upstream().enqueue(OpenAiReplies.stream(chunks));

        try (Response response = post("/v1/messages", HELLO.formatted("gpt-4", "\"stream\":true,"), KEY)) {
            String requestId = response.header("request-id");
            List<Sse.Event> events = Sse.events(response.body().string());
            assertThat(events.getFirst().name()).isEqualTo("message_start");
            assertThat(events.getFirst().json().path("message").path("id").asText())
                    .isEqualTo(messageIdOf(requestId));
        }
    }

    @Test
    void an_anthropic_providers_answer_keeps_its_own_id_and_carries_nexus_request_id() throws Exception {
        gateway.proxy().addProvider("Anthropic", ProviderKind.ANTHROPIC, gateway.upstream().url("/v1").toString(),
                KEY, "claude-x");
        gateway.upstream().enqueue(OpenAiReplies.json(AnthropicReplies.message("claude-x", "Hi", 5, 0, 1)));

        try (Response response = post("/v1/messages", HELLO.formatted("claude-x", ""), KEY)) {
            assertThat(response.header("request-id")).startsWith("req_").isEqualTo(response.header("X-Request-Id"));
            assertThat(Sse.tree(response.body().string()).path("id").asText())
                    .isEqualTo("msg_01XFDUDYJgAACzvnptvVoYEL");
        }
    }

    @Test
    void errors_and_token_counts_carry_request_id_too() throws Exception {
        try (Response refused = post("/v1/messages", HELLO.formatted("gpt-4", ""), "not-a-key");
             Response counted = post("/v1/messages/count_tokens", HELLO.formatted("gpt-4", ""), KEY)) {
            assertThat(refused.code()).isEqualTo(401);
            assertThat(refused.header("request-id")).startsWith("req_").isEqualTo(refused.header("X-Request-Id"));
            assertThat(counted.code()).isEqualTo(200);
            assertThat(counted.header("request-id")).startsWith("req_").isEqualTo(counted.header("X-Request-Id"));
        }
    }
}
