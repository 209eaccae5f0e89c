package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.OptionalInt;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.shared.testing.ListenBacklog;
import nexus.shared.testing.LogCapture;
import nexus.shared.testing.RawHttp;
import nexus.shared.testing.RawHttp.Answer;

/**
 * A request whose HTTP framing is broken is the client's fault: a 4xx in the JSON error shape and one WARN line, never
 * a 500, a stack trace, an empty 200 or a usage row. Jetty's own error pages speak the same envelope.
 */
class HttpFramingTest {

    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String CHAT = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream("OpenAI",
            config -> config.withClientIdleTimeout(IDLE_TIMEOUT));

    LogCapture logs;

    @BeforeEach
    void captureLogs() {
        logs = LogCapture.start();
    }

    @AfterEach
    void stopCapturing() {
        logs.close();
    }

    /** The head of a chat completion request, then {@code rest}: its last headers and its body. */
    private String post(String... rest) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ProxyWithUpstream.KEY
                + "\r\nContent-Type: application/json\r\n" + String.join("", rest);
    }

    private Answer send(String request, boolean closeOutput) throws Exception {
        return RawHttp.exchange(gateway.proxy().port(), request, closeOutput, WAIT);
    }

    /** A JSON error with this status and code, nothing sent upstream or recorded, no ERROR and no stack trace. */
    private void assertRefused(Answer answer, int status, String code) throws Exception {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(ErrorBody.of(answer.body()).code()).isEqualTo(code);
        assertThat(gateway.upstream().getRequestCount()).isZero();
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).isEmpty();
        assertThat(logs.at(Level.ERROR)).isEmpty();
        assertThat(logs.withStackTraces()).isEmpty();
    }

    @Test
    void a_bogus_chunk_size_is_400_and_one_warning() throws Exception {
        Answer answer = send(post("Transfer-Encoding: chunked\r\n\r\n", "zz\r\n{}\r\n0\r\n\r\n"), false);

        assertRefused(answer, 400, "invalid_request");
        assertThat(logs.at(Level.WARN)).singleElement().asString().contains("/v1/chat/completions");
    }

    @Test
    void a_body_shorter_than_its_content_length_is_400_when_the_client_stops_sending() throws Exception {
        Answer answer = send(post("Content-Length: 1000\r\n\r\n", CHAT), true);

        assertRefused(answer, 400, "invalid_request");
        assertThat(logs.at(Level.WARN)).hasSize(1);
    }

    @Test
    void a_body_shorter_than_its_content_length_is_408_when_the_client_waits_past_the_idle_timeout() throws Exception {
        Answer answer = send(post("Content-Length: 1000\r\n\r\n", CHAT), false);

        assertRefused(answer, 408, "request_timeout");
        assertThat(logs.at(Level.WARN)).hasSize(1);
    }

    @Test
    void oversized_headers_are_431_in_the_json_error_shape() throws Exception {
        Answer answer = send("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "a".repeat(20_000)
                + "\r\n\r\n", false);

        assertRefused(answer, 431, "request_header_fields_too_large");
    }

    @Test
    void a_header_line_without_a_colon_is_400_in_the_json_error_shape() throws Exception {
        Answer answer = send("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nnot a header\r\n\r\n", false);

        assertRefused(answer, 400, "invalid_request");
    }

    @Test
    void a_valid_chunked_body_is_served() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Hello", 3, 1)));
        String half = CHAT.substring(0, 20);
        String rest = CHAT.substring(20);

        Answer answer = send(post("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                Integer.toHexString(half.length()) + "\r\n" + half + "\r\n",
                Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n"), false);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(gateway.upstreamRequest().getBody().utf8()).isEqualTo(CHAT);
    }

    @Test
    void an_unknown_http_version_is_400_in_the_json_error_shape() throws Exception {
        Answer answer = send("GET /v1/models HTTP/3.0\r\nHost: 127.0.0.1\r\n\r\n", false);

        assertRefused(answer, 400, "invalid_request");
    }

    @Test
    void the_listen_backlog_takes_a_burst_of_at_least_1024_connections() throws Exception {
        OptionalInt backlog = ListenBacklog.of(gateway.proxy().port());

        assumeTrue(backlog.isPresent(), "the system does not report listen backlogs (no ss)");
        assertThat(backlog.getAsInt()).isGreaterThanOrEqualTo(Math.min(1024, ListenBacklog.systemMaximum()));
    }
}
