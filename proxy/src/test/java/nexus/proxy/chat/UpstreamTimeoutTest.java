package nexus.proxy.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ScriptedSseBody;
import nexus.proxy.Sse;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** An upstream slower than the configured read timeout: 504 before the answer, one error event during a stream. */
class UpstreamTimeoutTest {

    private static final Duration READ_TIMEOUT = Duration.ofMillis(300);

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream("Slow",
            config -> config.withUpstreamTimeouts(Duration.ofSeconds(1), READ_TIMEOUT));
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();  // before the fixture closes the proxy
    }

    @Test
    void headers_later_than_the_read_timeout_are_504_upstream_timeout() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "too late", 5, 2)).newBuilder()
                .headersDelay(READ_TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS).build());

        try (Response response = gateway.chat(
                "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")) {
            assertThat(response.code()).isEqualTo(504);
            ErrorBody error = ErrorBody.of(response.body().string());
            assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("upstream_error", "upstream_timeout", null));
            assertThat(error.message()).contains("Slow");
        }

        Usage row = gateway.proxy().awaitUsageRows(1).getFirst();
        assertThat(row.status()).isEqualTo(504);
        assertThat(row.errorCode()).isEqualTo("upstream_timeout");
        assertThat(row.usageSource()).isEqualTo(UsageSource.MISSING);
        assertThat(row.truncated()).isFalse();
    }

    @Test
    void a_stream_that_stalls_longer_than_the_read_timeout_ends_with_an_upstream_timeout_event() throws Exception {
        gateway.upstream().enqueue(new ScriptedSseBody()
                .event(OpenAiReplies.roleChunk("gpt-4"))
                .event(OpenAiReplies.contentChunk("gpt-4", "Hel"))
                .await(release)
                .event("[DONE]")
                .response());

        String body;
        try (Response response = gateway.chat(
                "{\"model\":\"gpt-4\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")) {
            assertThat(response.code()).isEqualTo(200);
            body = response.body().string();
        }

        List<String> received = Sse.data(body);
        assertThat(received).hasSize(3);
        assertThat(Sse.content(received.get(1))).isEqualTo("Hel");
        assertThat(ErrorBody.of(received.getLast()).withoutMessage())
                .isEqualTo(ErrorBody.of("upstream_error", "upstream_timeout", null));
        Usage row = gateway.proxy().awaitUsageRows(1).getFirst();
        assertThat(row.status()).isEqualTo(504);
        assertThat(row.truncated()).isTrue();
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(row.completionTokens()).isPositive();
    }
}
