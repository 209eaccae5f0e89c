package nexus.proxy.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;

import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.Response;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.AnthropicReplies;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.Sse;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/** POST /v1/messages for a model two providers serve: the second answers what the first failed before any byte. */
class MessagesFailoverTest {

    private static final String QUESTION =
            "{\"model\":\"gpt-4\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String STREAMED =
            "{\"model\":\"gpt-4\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    /** Providers that speak OpenAI's format: the request goes through the translation to a chat completion. */
    @Nested
    class Translated {

        @RegisterExtension
        final TwoProviders gateway = new TwoProviders();

        @Test
        void a_503_is_answered_by_the_second_provider() throws Exception {
            gateway.first().enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
            gateway.second().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "from second", 5, 2)));

            try (Response response = gateway.post("/v1/messages", QUESTION)) {
                assertThat(response.code()).isEqualTo(200);
                assertThat(Sse.tree(response.body().string()).path("content").path(0).path("text").asText())
                        .isEqualTo("from second");
                assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
                assertThat(response.header("X-Nexus-Attempts")).isEqualTo("2");
            }
            assertAttempts(gateway, 503);
        }
    }

    /** Providers of kind anthropic: the request is relayed as it came. */
    @Nested
    class Relayed {

        @RegisterExtension
        final TwoProviders gateway = new TwoProviders(ProviderKind.ANTHROPIC);

        @Test
        void an_overloaded_529_is_answered_by_the_second_provider() throws Exception {
            gateway.first().enqueue(OpenAiReplies.json(529,
                    "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
            gateway.second().enqueue(OpenAiReplies.json(AnthropicReplies.message("gpt-4", "from second", 5, 0, 2)));

            try (Response response = gateway.post("/v1/messages", QUESTION)) {
                assertThat(response.code()).isEqualTo(200);
                assertThat(response.body().string()).contains("from second");
                assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
            }
            List<Usage> rows = gateway.rows(2);
            assertThat(rows).extracting(Usage::providerId, Usage::attempt)
                    .containsExactlyInAnyOrder(tuple(gateway.firstId(), 1), tuple(gateway.secondId(), 2));
        }

        @Test
        void a_stream_cut_before_its_first_event_is_answered_by_the_second_provider() throws Exception {
            List<String[]> events = AnthropicReplies.streamEvents("gpt-4", 5, 0, 2, "Hello", " there");
            gateway.first().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                    .body(AnthropicReplies.sse(events.subList(0, 1)))
                    .onResponseBody(new SocketEffect.CloseSocket())  // halfway through message_start
                    .build());
            gateway.second().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                    .body(AnthropicReplies.sse(events)).build());

            try (Response response = gateway.post("/v1/messages", STREAMED)) {
                assertThat(response.code()).isEqualTo(200);
                assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
                List<Sse.Event> received = Sse.events(response.body().string());
                assertThat(received).extracting(Sse.Event::name).doesNotContain("error").endsWith("message_stop");
            }
            assertAttempts(gateway, 502);
        }
    }

    private static void assertAttempts(TwoProviders gateway, int failedStatus) {
        assertThat(gateway.rows(2)).extracting(Usage::providerId, Usage::status, Usage::attempt)
                .containsExactlyInAnyOrder(tuple(gateway.firstId(), failedStatus, 1),
                        tuple(gateway.secondId(), 200, 2));
    }
}
