package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.HangingUpstream.Answer;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/**
 * How the proxy looks at an HTTP/1.1 client whose request waits on an upstream, over raw sockets: a connection reset
 * counts as the client leaving, and the bytes of a request the client sends early on the same connection are kept.
 */
class ClientWatchTest {

    private static final String KEY = "raw-client";

    @TempDir
    Path dir;

    @StartStop
    final MockWebServer mockUpstream = new MockWebServer();

    ProxyServer proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private static String post(String json) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: proxy\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json;
    }

    private static String chat(String content) {
        return "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    @Test
    void a_client_that_resets_its_connection_cancels_the_upstream_call() throws Exception {
        try (HangingUpstream upstream = HangingUpstream.start(Answer.NOTHING)) {
            proxy = ProxyServer.start(NexusConfig.forTests(dir));
            proxy.addProvider("Silent", ProviderKind.OPENAI, upstream.url("/v1"), KEY, "gpt-4");
            Socket client = new Socket("127.0.0.1", proxy.port());
            client.getOutputStream().write(post(chat("Hi")).getBytes(StandardCharsets.UTF_8));
            assertThat(upstream.awaitRequest(Duration.ofSeconds(10))).as("the upstream got the request").isTrue();

            client.setSoLinger(true, 0);
            client.close();  // a reset, not an orderly close

            assertThat(upstream.awaitClosed(Duration.ofSeconds(3))).as("the proxy closed its upstream connection")
                    .isTrue();
            assertThat(proxy.awaitUsageRows(1)).singleElement()
                    .returns(499, Usage::status).returns("client_closed_request", Usage::errorCode);
        }
    }

    @Test
    void a_request_sent_early_behind_a_waiting_one_is_answered_intact() throws Exception {
        proxy = ProxyServer.start(NexusConfig.forTests(dir));
        proxy.addProvider("Slow", ProviderKind.OPENAI, mockUpstream.url("/v1").toString(), KEY, "gpt-4");
        // Slower than a few looks at the client, which read the early request's first byte and must hand it back.
        mockUpstream.enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "first", 3, 1)).newBuilder()
                .headersDelay(800, TimeUnit.MILLISECONDS).build());
        mockUpstream.enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "second", 3, 1)));

        try (Socket client = new Socket("127.0.0.1", proxy.port())) {
            client.getOutputStream().write(post(chat("one")).getBytes(StandardCharsets.UTF_8));
            RecordedRequest first = mockUpstream.takeRequest(10, TimeUnit.SECONDS);
            assertThat(first).as("the upstream got the first request").isNotNull();
            client.getOutputStream().write(post(chat("two")).getBytes(StandardCharsets.UTF_8));

            InputStream in = new BufferedInputStream(client.getInputStream());
            assertThat(readBody(in)).contains("\"content\":\"first\"");
            assertThat(readBody(in)).contains("\"content\":\"second\"");
        }
        RecordedRequest second = mockUpstream.takeRequest(10, TimeUnit.SECONDS);
        assertThat(second).isNotNull();
        assertThat(second.getBody().utf8()).contains("\"content\":\"two\"");
        List<Usage> rows = proxy.awaitUsageRows(2);
        assertThat(rows).extracting(Usage::status).containsExactly(200, 200);
    }

    /** Reads one HTTP response with a Content-Length from the connection; its body if the status is 200. */
    private static String readBody(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int next = in.read();
            assertThat(next).as("the response is complete").isNotNegative();
            head.write(next);
        }
        String[] lines = head.toString(StandardCharsets.US_ASCII).split("\r\n");
        assertThat(lines[0]).isEqualTo("HTTP/1.1 200 OK");
        int length = -1;
        for (String line : lines) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        assertThat(length).as("a Content-Length").isNotNegative();
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
