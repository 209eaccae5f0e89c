package nexus.proxy.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.Call;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.proxy.ScriptedSseBody;
import nexus.proxy.Sse;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** A client that hangs up in the middle of a stream: the upstream call is cancelled and the row says 499. */
class ClientDisconnectTest {

    private static final String KEY = "client-key-1";

    @StartStop
    final MockWebServer upstream = new MockWebServer();

    @TempDir
    Path dir;

    ProxyServer proxy;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        proxy.addProvider("OpenAI", ProviderKind.OPENAI, upstream.url("/v1").toString(), KEY, "gpt-4");
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void a_client_that_hangs_up_mid_stream_cancels_the_upstream_call_and_is_recorded_as_499() throws Exception {
        ScriptedSseBody slowStream = new ScriptedSseBody()
                .event(OpenAiReplies.roleChunk("gpt-4"))
                .repeat(OpenAiReplies.contentChunk("gpt-4", "tick "), 500, Duration.ofMillis(20))  // 10 s if never cut
                .event("[DONE]");
        upstream.enqueue(slowStream.response());

        Call call = proxy.client().newCall(proxy.post("/v1/chat/completions", KEY,
                "{\"model\":\"gpt-4\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Count\"}]}"));
        String requestId;
        try (Response response = call.execute()) {
            requestId = response.header("X-Request-Id");
            BufferedSource source = response.body().source();
            assertThat(Sse.next(source)).isEqualTo(OpenAiReplies.roleChunk("gpt-4"));
            assertThat(Sse.content(Sse.next(source))).isEqualTo("tick ");
            call.cancel();  // the client goes away, closing its connection
        }

        assertThat(slowStream.awaitReaderGone(Duration.ofSeconds(5)))
                .as("the upstream saw its connection closed by the proxy").isTrue();
        assertThat(slowStream.awaitFinished(Duration.ZERO)).isFalse();
        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(row.requestId()).isEqualTo(requestId);
        assertThat(row.status()).isEqualTo(499);
        assertThat(row.truncated()).isTrue();
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(row.completionTokens()).isPositive();
        assertThat(row.firstTokenMillis()).isNotNull();
    }
}
