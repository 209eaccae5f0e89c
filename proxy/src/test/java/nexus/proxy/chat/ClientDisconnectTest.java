package nexus.proxy.chat;

import static nexus.proxy.ProxyWithUpstream.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import okhttp3.Call;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ScriptedSseBody;
import nexus.proxy.Sse;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** A client that hangs up in the middle of a stream: the upstream call is cancelled and the row says 499. */
class ClientDisconnectTest {

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    @Test
    void a_client_that_hangs_up_mid_stream_cancels_the_upstream_call_and_is_recorded_as_499() throws Exception {
        ScriptedSseBody slowStream = new ScriptedSseBody()
                .event(OpenAiReplies.roleChunk("gpt-4"))
                .repeat(OpenAiReplies.contentChunk("gpt-4", "tick "), 500, Duration.ofMillis(20))  // 10 s if never cut
                .event("[DONE]");
        gateway.upstream().enqueue(slowStream.response());

        Call call = gateway.proxy().client().newCall(gateway.proxy().post("/v1/chat/completions", KEY,
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
        Usage row = gateway.proxy().awaitUsageRows(1).getFirst();
        assertThat(row.requestId()).isEqualTo(requestId);
        assertThat(row.status()).isEqualTo(499);
        assertThat(row.truncated()).isTrue();
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(row.completionTokens()).isPositive();
        assertThat(row.firstTokenMillis()).isNotNull();
    }
}
