package nexus.proxy.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import nexus.proxy.ErrorBody;
import nexus.proxy.ProxyServer;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.ModelType;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/**
 * Requests refused before any upstream is called: each gets its status and OpenAI error fields, the upstream sees
 * nothing and no usage row is written.
 */
class BadRequestTest {

    private static final String KEY = "client-key-1";
    private static final String USER_HI = "[{\"role\":\"user\",\"content\":\"Hi\"}]";
    private static final int MAX_REQUEST_BYTES = 2048;
    /** A model of the built-in mock kind: a good request to it proves, by its usage row, that the rows are written. */
    private static final String BARRIER_MODEL = "barrier-model";

    @StartStop
    static final MockWebServer upstream = new MockWebServer();

    @TempDir
    static Path dir;

    /** One proxy for the whole class: every test here is refused before anything is recorded, so they do not mix. */
    static ProxyServer proxy;

    @BeforeAll
    static void start() {
        proxy = ProxyServer.start(NexusConfig.forTests(dir).withMaxRequestBytes(MAX_REQUEST_BYTES));
        proxy.addProvider("OpenAI", ProviderKind.OPENAI, upstream.url("/v1").toString(), KEY, "gpt-4");
        proxy.addProvider("Local", ProviderKind.MOCK, "mock://local?chunks=1&delay_ms=0", KEY, BARRIER_MODEL);
        proxy.addProvider("Other", ProviderKind.OPENAI, upstream.url("/v1").toString(), "other-key", "other-model");
        long embeddings = proxy.addProvider("Embeddings", ProviderKind.OPENAI, upstream.url("/v1").toString(), KEY);
        proxy.addModel(embeddings, "text-embedding-3-small", ModelType.EMBEDDING);
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    /** What the client got back. */
    private record Reply(int status, ErrorBody error) {}

    private Reply send(Request request) throws Exception {
        try (Response response = proxy.execute(request)) {
            assertThat(response.header("Content-Type")).startsWith("application/json");
            return new Reply(response.code(), ErrorBody.of(response.body().string()));
        }
    }

    /**
     * Nothing reached the upstream and no usage row was written: rows are written in the order they are recorded, so
     * once a later good request's row is in, every row there must belong to such a good request.
     */
    private void assertNothingWasRecorded() throws Exception {
        String barrierId;
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", KEY,
                "{\"model\":\"" + BARRIER_MODEL + "\",\"messages\":" + USER_HI + "}"))) {
            assertThat(response.code()).isEqualTo(200);
            barrierId = response.header("X-Request-Id");
        }
        List<Usage> rows = proxy.awaitUsageRows(
                found -> found.stream().anyMatch(row -> row.requestId().equals(barrierId)));
        assertThat(rows).extracting(Usage::requestId).contains(barrierId);
        assertThat(rows).extracting(Usage::model).containsOnly(BARRIER_MODEL);
        assertThat(upstream.getRequestCount()).isZero();
    }

    static Stream<Arguments> invalid_bodies() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"model\":\"gpt-4\",", null, "not valid JSON"),
                Arguments.of("a JSON array", "[]", null, "JSON object"),
                Arguments.of("a JSON string", "\"x\"", null, "JSON object"),
                Arguments.of("JSON null", "null", null, "JSON object"),
                Arguments.of("an empty body", "", null, "empty"),
                Arguments.of("no model", "{\"messages\":" + USER_HI + "}", "model", "model"),
                Arguments.of("a null model", "{\"model\":null,\"messages\":" + USER_HI + "}", "model", "model"),
                Arguments.of("a number as model", "{\"model\":42,\"messages\":" + USER_HI + "}", "model", "string"),
                Arguments.of("a blank model", "{\"model\":\" \",\"messages\":" + USER_HI + "}", "model", "string"),
                Arguments.of("no messages", "{\"model\":\"gpt-4\"}", "messages", "messages"),
                Arguments.of("messages as a string", "{\"model\":\"gpt-4\",\"messages\":\"Hi\"}", "messages", "array"),
                Arguments.of("empty messages", "{\"model\":\"gpt-4\",\"messages\":[]}", "messages", "at least one"),
                Arguments.of("a message without role", "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"a\"},{\"content\":\"b\"}]}", "messages[1]", "role"),
                Arguments.of("a message that is not an object", "{\"model\":\"gpt-4\",\"messages\":[\"Hi\"]}",
                        "messages[0]", "role"),
                Arguments.of("stream as a string", "{\"model\":\"gpt-4\",\"stream\":\"yes\",\"messages\":" + USER_HI
                        + "}", "stream", "boolean"),
                Arguments.of("stream_options as a string", "{\"model\":\"gpt-4\",\"stream\":true,"
                        + "\"stream_options\":\"usage\",\"messages\":" + USER_HI + "}", "stream_options", "object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid_bodies")
    void an_invalid_body_is_400_invalid_request_naming_the_field(String name, String body, String param,
                                                                  String messageFragment) throws Exception {
        Reply reply = send(proxy.post("/v1/chat/completions", KEY, body));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error().withoutMessage()).isEqualTo(ErrorBody.of("invalid_request_error", "invalid_request",
                param));
        assertThat(reply.error().message()).contains(messageFragment);
        assertNothingWasRecorded();
    }

    @Test
    void a_request_without_authorization_is_401_missing_api_key() throws Exception {
        Reply reply = send(proxy.post("/v1/chat/completions", null,
                "{\"model\":\"gpt-4\",\"messages\":" + USER_HI + "}"));

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.error().withoutMessage()).isEqualTo(ErrorBody.of("invalid_request_error", "missing_api_key",
                null));
        assertNothingWasRecorded();
    }

    @Test
    void an_unknown_key_is_401_invalid_api_key() throws Exception {
        Reply reply = send(proxy.post("/v1/chat/completions", "not-a-key",
                "{\"model\":\"gpt-4\",\"messages\":" + USER_HI + "}"));

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.error().withoutMessage()).isEqualTo(ErrorBody.of("invalid_request_error", "invalid_api_key",
                null));
        assertThat(reply.error().message()).doesNotContain("not-a-key");
        assertNothingWasRecorded();
    }

    @Test
    void a_key_sent_with_the_basic_scheme_is_401_invalid_api_key() throws Exception {
        Request request = proxy.post("/v1/chat/completions", null, "{\"model\":\"gpt-4\",\"messages\":" + USER_HI + "}")
                .newBuilder().header("Authorization", "Basic " + KEY).build();

        Reply reply = send(request);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.error().code()).isEqualTo("invalid_api_key");
        assertNothingWasRecorded();
    }

    @Test
    void a_bad_key_is_refused_before_the_body_is_looked_at() throws Exception {
        Reply reply = send(proxy.post("/v1/chat/completions", "not-a-key", "{not json"));

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.error().code()).isEqualTo("invalid_api_key");
    }

    @Test
    void an_unknown_model_is_404_model_not_found_naming_the_model() throws Exception {
        Reply reply = send(proxy.post("/v1/chat/completions", KEY,
                "{\"model\":\"gpt-9\",\"messages\":" + USER_HI + "}"));

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.error().withoutMessage()).isEqualTo(ErrorBody.of("invalid_request_error", "model_not_found",
                "model"));
        assertThat(reply.error().message()).contains("gpt-9");
        assertNothingWasRecorded();
    }

    @Test
    void a_model_of_another_type_is_400_naming_both_types() throws Exception {
        Reply reply = send(proxy.post("/v1/chat/completions", KEY,
                "{\"model\":\"text-embedding-3-small\",\"messages\":" + USER_HI + "}"));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error().withoutMessage()).isEqualTo(ErrorBody.of("invalid_request_error", "invalid_request",
                "model"));
        assertThat(reply.error().message()).contains("text-embedding-3-small", "type embedding", "type chat");
        assertNothingWasRecorded();
    }

    @Test
    void a_model_of_a_provider_that_carries_another_key_is_404_model_not_found() throws Exception {
        Reply reply = send(proxy.post("/v1/chat/completions", KEY,
                "{\"model\":\"other-model\",\"stream\":true,\"messages\":" + USER_HI + "}"));

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.error().code()).isEqualTo("model_not_found");
        assertNothingWasRecorded();
    }

    @Test
    void a_body_over_the_size_limit_is_413_request_too_large() throws Exception {
        String big = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(MAX_REQUEST_BYTES * 2) + "\"}]}";

        Reply reply = send(proxy.post("/v1/chat/completions", KEY, big));

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.error().withoutMessage()).isEqualTo(ErrorBody.of("invalid_request_error", "request_too_large",
                null));
        assertThat(reply.error().message()).contains(String.valueOf(MAX_REQUEST_BYTES));
        assertNothingWasRecorded();
    }

    @Test
    void a_chunked_body_over_the_size_limit_is_413_too() throws Exception {
        String big = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(MAX_REQUEST_BYTES * 2) + "\"}]}";
        RequestBody chunked = new RequestBody() {  // no Content-Length: sent with Transfer-Encoding: chunked
            @Override
            public MediaType contentType() {
                return ProxyServer.JSON;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.writeUtf8(big);
            }
        };
        Request request = new Request.Builder().url(proxy.url("/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY).post(chunked).build();

        Reply reply = send(request);

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.error().code()).isEqualTo("request_too_large");
        assertNothingWasRecorded();
    }

    @Test
    void a_body_just_under_the_size_limit_is_served() throws Exception {
        String prefix = "{\"model\":\"" + BARRIER_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"";
        String suffix = "\"}]}";
        String body = prefix + "x".repeat(MAX_REQUEST_BYTES - prefix.length() - suffix.length()) + suffix;
        assertThat(body).hasSize(MAX_REQUEST_BYTES);

        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", KEY, body))) {
            assertThat(response.code()).isEqualTo(200);
        }
    }

    @Test
    void an_unknown_route_is_404_unknown_url() throws Exception {
        Reply reply = send(proxy.post("/v1/completions/x", KEY, "{}"));

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.error().withoutMessage())
                .isEqualTo(ErrorBody.of("invalid_request_error", "unknown_url", null));
        assertThat(reply.error().message()).isEqualTo("Invalid URL (POST /v1/completions/x)");
        assertNothingWasRecorded();
    }

    @Test
    void a_get_on_chat_completions_is_405() throws Exception {
        Reply reply = send(new Request.Builder().url(proxy.url("/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY).get().build());

        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.error().type()).isEqualTo("invalid_request_error");
        assertThat(reply.error().code()).isEqualTo("method_not_allowed");
        assertNothingWasRecorded();
    }

    @Test
    void a_body_sent_as_text_plain_is_still_read_as_json() throws Exception {
        Request request = new Request.Builder().url(proxy.url("/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY)
                .post(RequestBody.create("{\"model\":\"" + BARRIER_MODEL + "\",\"messages\":" + USER_HI + "}",
                        MediaType.get("text/plain")))
                .build();

        try (Response response = proxy.execute(request)) {
            assertThat(response.code()).isEqualTo(200);
        }
    }
}
