package nexus.proxy.endpoints;

import static nexus.proxy.ProxyWithUpstream.assertFailedBeforeAnswer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import nexus.proxy.ErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.shared.db.ModelType;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/** Every endpoint meets an upstream that refuses, fails or is too slow the same way: a JSON error and one row. */
class EndpointFaultsTest {

    private static final Duration READ_TIMEOUT = Duration.ofMillis(300);

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream("Faulty",
            config -> config.withUpstreamTimeouts(Duration.ofSeconds(1), READ_TIMEOUT));

    @BeforeEach
    void addModels() {
        addModels(gateway.providerId());
    }

    /** A model of each type besides chat, named m-embedding, m-rerank and m-image. */
    private void addModels(long providerId) {
        for (ModelType type : new ModelType[] {ModelType.EMBEDDING, ModelType.RERANK, ModelType.IMAGE}) {
            gateway.proxy().addModel(providerId, "m-" + type.wireName(), type);
        }
    }

    /** A second provider of the kind at the URL, for its own key, with gpt-4 and the models of each type. */
    private void addProvider(String name, ProviderKind kind, String url, String key) {
        addModels(gateway.proxy().addProvider(name, kind, url, key, "gpt-4"));
    }

    private Reply post(Endpoint endpoint, String key) throws IOException {
        try (var response = gateway.proxy().execute(gateway.proxy().post(endpoint.path(), key, request(endpoint)))) {
            return Reply.of(response);
        }
    }

    /** A valid request to the endpoint, for a model the gateway's provider serves. */
    static String request(Endpoint endpoint) {
        return switch (endpoint) {
            case EMBEDDINGS -> "{\"model\":\"m-embedding\",\"input\":\"hello\"}";
            case RERANK -> "{\"model\":\"m-rerank\",\"query\":\"q\",\"documents\":[\"a\",\"b\"]}";
            case IMAGES_GENERATIONS -> "{\"model\":\"m-image\",\"prompt\":\"a cat\"}";
            case COMPLETIONS -> "{\"model\":\"gpt-4\",\"prompt\":\"hello\"}";
        };
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void an_upstream_4xx_keeps_its_status_and_openai_error(Endpoint endpoint) throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(429, "{\"error\":{\"message\":\"Slow down.\",\"type\":"
                + "\"rate_limit_error\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}"));

        Reply reply = gateway.post(endpoint.path(), request(endpoint));

        assertThat(reply.status()).isEqualTo(429);
        ErrorBody error = ErrorBody.of(reply.body());
        assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("rate_limit_error", "rate_limit_exceeded", null));
        assertThat(error.message()).contains("Slow down.", "Faulty");
        Usage row = gateway.onlyRow();
        assertThat(row.endpoint()).isEqualTo(endpoint.usageName());
        assertFailedBeforeAnswer(row, 429, "rate_limit_exceeded");
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void a_refused_connection_is_502(Endpoint endpoint) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        addProvider("Down", ProviderKind.OPENAI, "http://127.0.0.1:" + closedPort + "/v1", "down-key");

        Reply reply = post(endpoint, "down-key");

        assertThat(reply.status()).isEqualTo(502);
        assertThat(ErrorBody.of(reply.body()).code()).isEqualTo("upstream_unavailable");
        assertFailedBeforeAnswer(gateway.onlyRow(), 502, "upstream_unavailable");
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void a_provider_of_a_kind_that_does_not_serve_the_endpoint_is_a_400_and_records_nothing(Endpoint endpoint)
            throws Exception {
        addProvider("Claude", ProviderKind.ANTHROPIC, gateway.upstream().url("/v1").toString(), "claude-key");

        Reply reply = post(endpoint, "claude-key");

        gateway.assertRefusedUntouched(reply, "model");
        assertThat(ErrorBody.of(reply.body()).message()).contains("Claude", "anthropic", endpoint.path());
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void an_answer_later_than_the_read_timeout_is_504(Endpoint endpoint) throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json("{}").newBuilder()
                .headersDelay(READ_TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS).build());

        Reply reply = gateway.post(endpoint.path(), request(endpoint));

        assertThat(reply.status()).isEqualTo(504);
        assertThat(ErrorBody.of(reply.body()).code()).isEqualTo("upstream_timeout");
        assertFailedBeforeAnswer(gateway.onlyRow(), 504, "upstream_timeout");
    }
}
