package nexus.proxy.chat;

import static nexus.proxy.ProxyWithUpstream.assertFailedBeforeAnswer;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.List;

import mockwebserver3.MockResponse;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import nexus.proxy.ErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.ProxyWithUpstream;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/** An upstream that refuses or fails before its answer began: the client gets a JSON error, the row its status. */
class UpstreamErrorsTest {

    private static final String SERVER_KEY = "upstream-secret-key";
    private static final String CHAT = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String STREAM = "{\"model\":\"gpt-4\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    /** Adds a provider "Down" for gpt-4 and the key "down-key", at a port nothing listens on. */
    private void addDownProvider() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        gateway.proxy().addProvider("Down", ProviderKind.OPENAI, "http://127.0.0.1:" + closedPort + "/v1", "down-key",
                "gpt-4");
    }

    @Test
    void a_refused_connection_is_502_upstream_unavailable_and_recorded() throws Exception {
        addDownProvider();

        Reply reply;
        String requestId;
        try (Response response = gateway.proxy().execute(
                gateway.proxy().post("/v1/chat/completions", "down-key", CHAT))) {
            reply = Reply.of(response);
            requestId = response.header("X-Request-Id");
            assertThat(response.header("X-Conversation-Id")).isNotBlank();
        }

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.contentType()).startsWith("application/json");
        ErrorBody error = ErrorBody.of(reply.body());
        assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("upstream_error", "upstream_unavailable", null));
        assertThat(error.message()).contains("Down");
        Usage row = gateway.onlyRow();
        assertThat(row.requestId()).isEqualTo(requestId);
        assertThat(row.providerName()).isEqualTo("Down");
        assertFailedBeforeAnswer(row, 502, "upstream_unavailable");
    }

    @Test
    void a_refused_connection_for_a_stream_is_a_json_error_not_an_event_stream() throws Exception {
        addDownProvider();

        try (Response response = gateway.proxy().execute(
                gateway.proxy().post("/v1/chat/completions", "down-key", STREAM))) {
            assertThat(response.code()).isEqualTo(502);
            assertThat(response.header("Content-Type")).startsWith("application/json");
            assertThat(ErrorBody.of(response.body().string()).code()).isEqualTo("upstream_unavailable");
        }
        Usage row = gateway.onlyRow();
        assertThat(row.stream()).isTrue();
        assertFailedBeforeAnswer(row, 502, "upstream_unavailable");
    }

    @ParameterizedTest(name = "{0} {2}")
    @CsvSource({
            "400, invalid_request_error, invalid_value, tools",
            "404, invalid_request_error, model_not_found, model",
            "429, rate_limit_error, rate_limit_exceeded, ''"})
    void an_upstream_http_error_keeps_its_status_and_its_openai_type_code_and_param(
            int status, String type, String code, String param) throws Exception {
        String paramJson = param.isEmpty() ? "null" : "\"" + param + "\"";
        gateway.upstream().enqueue(OpenAiReplies.json(status,
                "{\"error\":{\"message\":\"Upstream says no.\",\"type\":\"" + type + "\",\"param\":" + paramJson
                        + ",\"code\":\"" + code + "\"}}"));

        Reply reply = gateway.send(CHAT);

        assertThat(reply.status()).isEqualTo(status);
        ErrorBody error = ErrorBody.of(reply.body());
        assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of(type, code, param.isEmpty() ? null : param));
        assertThat(error.message()).contains("Upstream says no.");
        assertFailedBeforeAnswer(gateway.onlyRow(), status, code);
    }

    @Test
    void an_upstream_error_on_a_streamed_request_is_a_json_error_with_the_upstream_status() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(400, "{\"error\":{\"message\":\"bad stop\",\"type\":"
                + "\"invalid_request_error\",\"param\":\"stop\",\"code\":\"invalid_value\"}}"));

        Reply reply = gateway.send(STREAM);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(ErrorBody.of(reply.body()).withoutMessage())
                .isEqualTo(ErrorBody.of("invalid_request_error", "invalid_value", "stop"));
        assertFailedBeforeAnswer(gateway.onlyRow(), 400, "invalid_value");
    }

    @Test
    void an_upstream_500_with_a_non_json_body_keeps_its_status_in_an_openai_shaped_body() throws Exception {
        gateway.upstream().enqueue(new MockResponse.Builder().code(500).setHeader("Content-Type", "text/html")
                .body("<html><body><h1>500 Internal Server Error</h1></body></html>").build());

        Reply reply = gateway.send(CHAT);

        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.contentType()).startsWith("application/json");
        ErrorBody error = ErrorBody.of(reply.body());
        assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("upstream_error", "upstream_error", null));
        assertThat(error.message()).contains("500");
        assertFailedBeforeAnswer(gateway.onlyRow(), 500, "upstream_error");
    }

    @Test
    void an_upstream_error_in_a_json_shape_other_than_openais_is_wrapped_with_its_message() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(503, "{\"detail\":\"Model is overloaded, try later\"}"));

        Reply reply = gateway.send(CHAT);

        assertThat(reply.status()).isEqualTo(503);
        ErrorBody error = ErrorBody.of(reply.body());
        assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("upstream_error", "upstream_error", null));
        assertThat(error.message()).contains("Model is overloaded, try later");
    }

    @Test
    void the_server_key_never_appears_in_an_error_even_when_the_upstream_echoes_it() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(401, "{\"error\":{\"message\":\"Incorrect API key provided: "
                + SERVER_KEY + ".\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}"));
        gateway.upstream().enqueue(new MockResponse.Builder().code(502).setHeader("Content-Type", "text/plain")
                .body("proxy error: upstream rejected Authorization: Bearer " + SERVER_KEY).build());
        gateway.upstream().enqueue(OpenAiReplies.stream(List.of(OpenAiReplies.roleChunk("gpt-4"),
                "{\"error\":{\"message\":\"key " + SERVER_KEY + " is suspended\",\"type\":\"server_error\"}}")));

        Reply json = gateway.send(CHAT);
        Reply text = gateway.send(CHAT);
        Reply stream = gateway.send(STREAM);

        assertThat(json.status()).isEqualTo(502);
        assertThat(text.status()).isEqualTo(502);
        assertThat(stream.status()).isEqualTo(200);
        assertThat(List.of(json.body(), text.body(), stream.body()))
                .allSatisfy(body -> assertThat(body).doesNotContain(SERVER_KEY).contains("ups…-key"));
    }

    @Test
    void an_upstream_refusing_the_server_key_is_a_502_so_the_client_does_not_blame_its_own_key() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(401, "{\"error\":{\"message\":\"Incorrect API key provided.\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}"));
        gateway.upstream().enqueue(OpenAiReplies.json(403, "{\"error\":{\"message\":\"Region not supported\"}}"));

        Reply unauthorized = gateway.send(CHAT);
        Reply forbidden = gateway.send(CHAT);

        assertThat(List.of(unauthorized, forbidden)).allSatisfy(reply -> {
            assertThat(reply.status()).isEqualTo(502);
            ErrorBody error = ErrorBody.of(reply.body());
            assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("upstream_error", "upstream_error", null));
            assertThat(error.message()).contains("refused the server key configured in Nexus");
        });
        assertThat(ErrorBody.of(unauthorized.body()).message())
                .contains("HTTP 401").contains("Incorrect API key provided.");
        assertThat(ErrorBody.of(forbidden.body()).message()).contains("HTTP 403").contains("Region not supported");
    }

    @Test
    void a_non_streamed_answer_that_is_not_json_is_502() throws Exception {
        gateway.upstream().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/html")
                .body("<html>ok</html>").build());

        Reply reply = gateway.send(CHAT);

        assertThat(reply.status()).isEqualTo(502);
        assertThat(ErrorBody.of(reply.body()).code()).isEqualTo("upstream_unavailable");
        assertFailedBeforeAnswer(gateway.onlyRow(), 502, "upstream_unavailable");
    }

    @Test
    void a_streamed_request_answered_without_a_stream_is_502() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "not a stream", 5, 3)));

        Reply reply = gateway.send(STREAM);

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(ErrorBody.of(reply.body()).code()).isEqualTo("upstream_unavailable");
        assertFailedBeforeAnswer(gateway.onlyRow(), 502, "upstream_unavailable");
    }
}
