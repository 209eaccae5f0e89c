package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.OptionalInt;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
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
 * a 500 or a stack trace. Jetty's own error pages speak the same envelope.
 */
class HttpFramingApiTest {

    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String PROVIDER = "{\"name\":\"OpenAI\",\"server_url\":\"https://api.example.com/v1\"}";

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest(config -> config.withClientIdleTimeout(IDLE_TIMEOUT));

    LogCapture logs;

    @BeforeEach
    void captureLogs() {
        logs = LogCapture.start();
    }

    @AfterEach
    void stopCapturing() {
        logs.close();
    }

    /** The head of a provider create request, then {@code rest}: its last headers and its body. */
    private static String post(String... rest) {
        return "POST /providers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + String.join("", rest);
    }

    private Answer send(String request, boolean closeOutput) throws Exception {
        return RawHttp.exchange(admin.port(), request, closeOutput, WAIT);
    }

    /** A JSON error with this status and code, nothing created, no ERROR and no stack trace. */
    private void assertRefused(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        JsonNode error = new AdminServer.Reply(answer.status(), answer.header("Content-Type"), answer.body(), null).json()
                .path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(admin.providerRows()).isEmpty();
        assertThat(logs.at(Level.ERROR)).isEmpty();
        assertThat(logs.withStackTraces()).isEmpty();
    }

    @Test
    void a_bogus_chunk_size_is_400_and_one_warning() throws Exception {
        Answer answer = send(post("Transfer-Encoding: chunked\r\n\r\n", "zz\r\n{}\r\n0\r\n\r\n"), false);

        assertRefused(answer, 400, "invalid_request");
        assertThat(logs.at(Level.WARN)).singleElement().asString().contains("/providers");
    }

    @Test
    void a_body_shorter_than_its_content_length_is_400_when_the_client_stops_sending() throws Exception {
        Answer answer = send(post("Content-Length: 1000\r\n\r\n", PROVIDER), true);

        assertRefused(answer, 400, "invalid_request");
        assertThat(logs.at(Level.WARN)).hasSize(1);
    }

    @Test
    void a_body_shorter_than_its_content_length_is_408_when_the_client_waits_past_the_idle_timeout() throws Exception {
        Answer answer = send(post("Content-Length: 1000\r\n\r\n", PROVIDER), false);

        assertRefused(answer, 408, "request_timeout");
        assertThat(logs.at(Level.WARN)).hasSize(1);
    }

    @Test
    void oversized_headers_are_431_in_the_json_error_shape() throws Exception {
        Answer answer = send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "a".repeat(20_000)
                + "\r\n\r\n", false);

        assertRefused(answer, 431, "request_header_fields_too_large");
    }

    @Test
    void a_header_line_without_a_colon_is_400_in_the_json_error_shape() throws Exception {
        Answer answer = send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nnot a header\r\n\r\n", false);

        assertRefused(answer, 400, "invalid_request");
    }

    @Test
    void an_unknown_http_version_is_400_in_the_json_error_shape() throws Exception {
        Answer answer = send("GET /health HTTP/3.0\r\nHost: 127.0.0.1\r\n\r\n", false);

        assertRefused(answer, 400, "invalid_request");
    }

    @Test
    void the_listen_backlog_takes_a_burst_of_at_least_1024_connections() throws Exception {
        OptionalInt backlog = ListenBacklog.of(admin.port());

        assumeTrue(backlog.isPresent(), "the system does not report listen backlogs (no ss)");
        assertThat(backlog.getAsInt()).isGreaterThanOrEqualTo(Math.min(1024, ListenBacklog.systemMaximum()));
    }
}
