package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import nexus.shared.db.Provider;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderKind;

/**
 * GET /v1/models/{id} and its aliases, and both model endpoints as Anthropic's clients call them: the key in
 * {@code x-api-key}, and with {@code anthropic-version} the answers and errors in Anthropic's shape.
 */
class ModelRetrieveTest {

    private static final String KEY = "client-key-1";

    @TempDir
    Path dir;

    ProxyServer proxy;
    Provider deepSeek;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        deepSeek = proxy.database().dao(ProviderDao.class).findById(proxy.addProvider("DeepSeek", ProviderKind.OPENAI,
                "https://api.deepseek.com/v1", KEY, "deepseek-chat", "deepseek-ai/DeepSeek-V3")).orElseThrow();
        proxy.addProvider("Someone else's", ProviderKind.OPENAI, "https://example.com/v1", "client-key-2",
                "private-model");
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private record Reply(int status, JsonNode body) {}

    /** A GET with headers given as name, value, name, value … */
    private Reply get(String path, String... headers) throws Exception {
        Request.Builder request = new Request.Builder().url(proxy.url(path)).get();
        for (int index = 0; index < headers.length; index += 2) {
            request.header(headers[index], headers[index + 1]);
        }
        try (Response response = proxy.execute(request.build())) {
            return new Reply(response.code(), Sse.tree(response.body().string()));
        }
    }

    private String createdAt() {
        return Instant.ofEpochMilli(deepSeek.createdAtMillis()).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/models/deepseek-chat", "/models/deepseek-chat", "/api/proxy/models/deepseek-chat"})
    void a_model_is_retrieved_as_openais_model_object(String path) throws Exception {
        Reply reply = get(path, "Authorization", "Bearer " + KEY);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo(Sse.tree("{\"id\":\"deepseek-chat\",\"object\":\"model\",\"created\":"
                + deepSeek.createdAtMillis() / 1000 + ",\"owned_by\":\"DeepSeek\",\"type\":\"chat\"}"));
    }

    @Test
    void a_model_name_with_a_slash_is_retrieved_too() throws Exception {
        Reply reply = get("/v1/models/deepseek-ai/DeepSeek-V3", "x-api-key", KEY);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().path("id").asText()).isEqualTo("deepseek-ai/DeepSeek-V3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/models/gpt-9", "/v1/models/private-model"})
    void a_model_the_key_does_not_open_is_404_model_not_found(String path) throws Exception {
        Reply reply = get(path, "Authorization", "Bearer " + KEY);

        assertThat(reply.status()).isEqualTo(404);
        assertThat(ErrorBody.of(reply.body().toString()).withoutMessage())
                .isEqualTo(ErrorBody.of("invalid_request_error", "model_not_found", "model"));
    }

    @Test
    void the_list_takes_the_key_from_x_api_key() throws Exception {
        Reply reply = get("/v1/models", "x-api-key", KEY);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().path("object").asText()).isEqualTo("list");
        assertThat(reply.body().path("data")).extracting(model -> model.path("id").asText())
                .containsExactly("deepseek-chat", "deepseek-ai/DeepSeek-V3");
    }

    @Test
    void with_anthropic_version_the_list_has_anthropics_shape() throws Exception {
        Reply reply = get("/v1/models", "x-api-key", KEY, "anthropic-version", "2023-06-01");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo(Sse.tree("""
                {"data":[{"type":"model","id":"deepseek-chat","display_name":"deepseek-chat","created_at":"%1$s"},
                         {"type":"model","id":"deepseek-ai/DeepSeek-V3","display_name":"deepseek-ai/DeepSeek-V3",
                          "created_at":"%1$s"}],
                 "has_more":false,"first_id":"deepseek-chat","last_id":"deepseek-ai/DeepSeek-V3"}"""
                .formatted(createdAt())));
    }

    @Test
    void with_anthropic_version_a_model_and_its_absence_have_anthropics_shape() throws Exception {
        Reply found = get("/v1/models/deepseek-chat", "x-api-key", KEY, "anthropic-version", "2023-06-01");
        Reply missing = get("/v1/models/claude-9", "x-api-key", KEY, "anthropic-version", "2023-06-01");
        Reply refused = get("/v1/models", "x-api-key", "not-a-key", "anthropic-version", "2023-06-01");

        assertThat(found.body()).isEqualTo(Sse.tree("{\"type\":\"model\",\"id\":\"deepseek-chat\","
                + "\"display_name\":\"deepseek-chat\",\"created_at\":\"" + createdAt() + "\"}"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(AnthropicErrorBody.of(missing.body().toString()).type()).isEqualTo("not_found_error");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(AnthropicErrorBody.of(refused.body().toString()).type()).isEqualTo("authentication_error");
    }
}
