package nexus.proxy.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.AnthropicErrorBody;
import nexus.proxy.AnthropicReplies;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ScriptedSseBody;
import nexus.proxy.Sse;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/**
 * A provider of kind anthropic slower than the read timeout: 504 timeout_error before the answer, one error event
 * during it.
 */
class MessagesRelayTimeoutTest {

    private static final Duration READ_TIMEOUT = Duration.ofMillis(300);
    private static final String MODEL = "claude-sonnet-4-5";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream("Slow", ProviderKind.ANTHROPIC, MODEL,
            config -> config.withUpstreamTimeouts(Duration.ofSeconds(1), READ_TIMEOUT));
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();  // before the fixture closes the proxy
    }

    private Response send(boolean stream) throws Exception {
        String json = "{\"model\":\"" + MODEL + "\",\"max_tokens\":10,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        return gateway.proxy().execute(gateway.proxy().postWithHeaders("/v1/messages", json, "x-api-key",
                ProxyWithUpstream.KEY));
    }

    @Test
    void headers_later_than_the_read_timeout_are_504_timeout_error() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(AnthropicReplies.message(MODEL, "too late", 5, 0, 2))
                .newBuilder().headersDelay(READ_TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS).build());

        try (Response response = send(false)) {
            assertThat(response.code()).isEqualTo(504);
            AnthropicErrorBody error = AnthropicErrorBody.of(response.body().string());
            assertThat(error.type()).isEqualTo("timeout_error");
            assertThat(error.message()).contains("Slow");
        }
        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(504);
        assertThat(row.errorCode()).isEqualTo("upstream_timeout");
    }

    @Test
    void a_stream_that_stalls_longer_than_the_read_timeout_ends_with_a_timeout_error_event() throws Exception {
        List<String[]> events = AnthropicReplies.streamEvents(MODEL, 25, 0, 3, "Hel", "lo");
        ScriptedSseBody stalled = new ScriptedSseBody();
        events.subList(0, 4).forEach(event -> stalled.event(event[0], event[1]));
        gateway.upstream().enqueue(stalled.await(release).response());

        List<Sse.Event> received;
        try (Response response = send(true)) {
            assertThat(response.code()).isEqualTo(200);
            received = Sse.events(response.body().string());
        }

        assertThat(received).extracting(Sse.Event::name)
                .containsExactly("message_start", "content_block_start", "ping", "content_block_delta", "error");
        assertThat(AnthropicErrorBody.of(received.getLast().data()).type()).isEqualTo("timeout_error");
        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(504);
        assertThat(row.truncated()).isTrue();
    }
}
