package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import nexus.shared.db.ModelPrices;
import nexus.shared.db.ModelType;
import nexus.shared.db.NewProvider;
import nexus.shared.db.NewProviderModel;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.ProviderModel;
import nexus.shared.db.ProviderModelDao;

/** GET /v1/models and /models: the models a key opens, in OpenAI's list format. */
class ModelsTest {

    private static final String KEY = "client-key-1";

    @TempDir
    Path dir;

    ProxyServer proxy;
    Provider openAi;
    Provider deepSeek;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        ProviderDao providers = proxy.database().dao(ProviderDao.class);
        ProviderModelDao models = proxy.database().dao(ProviderModelDao.class);
        openAi = providers.findById(proxy.addProvider("OpenAI", ProviderKind.OPENAI, "https://api.openai.com/v1", KEY,
                "gpt-4", "gpt-3.5-turbo")).orElseThrow();
        models.insert(new NewProviderModel(openAi.id(), "gpt-old", "", false, 1L, ModelType.CHAT, ModelPrices.NONE, ProviderModel.DEFAULT_MAX_OUTPUT_TOKENS));
        deepSeek = providers.findById(proxy.addProvider("DeepSeek", ProviderKind.OPENAI, "https://api.deepseek.com/v1",
                KEY, "deepseek-chat", "gpt-4")).orElseThrow();
        proxy.addProvider("Someone else's", ProviderKind.OPENAI, "https://example.com/v1", "client-key-2",
                "private-model");
        long disabled = providers.insert(new NewProvider("Disabled", ProviderKind.OPENAI, "https://example.org/v1",
                "server-key", KEY, "", false, System.currentTimeMillis(), ""));
        models.insert(new NewProviderModel(disabled, "switched-off-model", "", true, 1L, ModelType.CHAT, ModelPrices.NONE, ProviderModel.DEFAULT_MAX_OUTPUT_TOKENS));
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private record Reply(int status, String contentType, JsonNode body) {}

    private Reply get(String path, String key) throws Exception {
        Request.Builder request = new Request.Builder().url(proxy.url(path)).get();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try (Response response = proxy.execute(request.build())) {
            return new Reply(response.code(), response.header("Content-Type", ""), Sse.tree(response.body().string()));
        }
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.path("data").forEach(model -> ids.add(model.path("id").asText()));
        return ids;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/models", "/models"})
    void the_list_has_openais_format_with_the_provider_as_owner(String path) throws Exception {
        Reply reply = get(path, KEY);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(reply.body().path("object").asText()).isEqualTo("list");
        JsonNode gpt4 = reply.body().path("data").get(0);
        assertThat(gpt4.size()).isEqualTo(5);
        assertThat(gpt4.path("id").asText()).isEqualTo("gpt-4");
        assertThat(gpt4.path("object").asText()).isEqualTo("model");
        assertThat(gpt4.path("created").isIntegralNumber()).isTrue();
        assertThat(gpt4.path("created").asLong()).isEqualTo(openAi.createdAtMillis() / 1000);
        assertThat(gpt4.path("owned_by").asText()).isEqualTo("OpenAI");
        assertThat(gpt4.path("type").asText()).isEqualTo("chat");
        assertThat(reply.body().path("data").get(2).path("owned_by").asText()).isEqualTo("DeepSeek");
    }

    @Test
    void only_enabled_models_of_enabled_providers_carrying_the_key_are_listed_each_once() throws Exception {
        Reply reply = get("/v1/models", KEY);

        assertThat(ids(reply.body())).containsExactly("gpt-4", "gpt-3.5-turbo", "deepseek-chat");
    }

    @Test
    void the_type_filter_lists_only_models_of_that_type_each_with_its_type() throws Exception {
        proxy.addModel(openAi.id(), "text-embedding-3-small", ModelType.EMBEDDING);
        proxy.addModel(deepSeek.id(), "bge-reranker", ModelType.RERANK);

        Reply embeddings = get("/v1/models?type=embedding", KEY);
        Reply all = get("/v1/models", KEY);

        assertThat(ids(embeddings.body())).containsExactly("text-embedding-3-small");
        assertThat(embeddings.body().path("data").get(0).path("type").asText()).isEqualTo("embedding");
        assertThat(ids(all.body())).containsExactly("gpt-4", "gpt-3.5-turbo", "text-embedding-3-small",
                "deepseek-chat", "bge-reranker");
    }

    @Test
    void an_unknown_type_filter_is_a_400_naming_type() throws Exception {
        Reply reply = get("/v1/models?type=audio", KEY);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(ErrorBody.of(reply.body().toString()).withoutMessage())
                .isEqualTo(ErrorBody.of("invalid_request_error", "invalid_request", "type"));
    }

    @Test
    void another_key_sees_only_its_own_providers_models() throws Exception {
        assertThat(ids(get("/v1/models", "client-key-2").body())).containsExactly("private-model");
    }

    @Test
    void a_model_added_after_start_is_listed_on_the_next_request() throws Exception {
        assertThat(ids(get("/v1/models", KEY).body())).doesNotContain("deepseek-reasoner");

        proxy.database().dao(ProviderModelDao.class)
                .insert(new NewProviderModel(deepSeek.id(), "deepseek-reasoner", "", true, 1L, ModelType.CHAT, ModelPrices.NONE, ProviderModel.DEFAULT_MAX_OUTPUT_TOKENS));

        assertThat(ids(get("/v1/models", KEY).body())).contains("deepseek-reasoner");
    }

    @Test
    void a_wrong_key_is_401_invalid_api_key() throws Exception {
        Reply reply = get("/v1/models", "not-a-key");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(ErrorBody.of(reply.body().toString()).withoutMessage())
                .isEqualTo(ErrorBody.of("invalid_request_error", "invalid_api_key", null));
    }

    @Test
    void no_key_is_401_missing_api_key() throws Exception {
        Reply reply = get("/models", null);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(ErrorBody.of(reply.body().toString()).code()).isEqualTo("missing_api_key");
    }

    @Test
    void the_key_of_a_disabled_provider_alone_opens_nothing() throws Exception {
        proxy.database().dao(ProviderDao.class).insert(new NewProvider("Off", ProviderKind.OPENAI,
                "https://example.org/v1", "server-key", "only-on-disabled", "", false, System.currentTimeMillis(), ""));

        assertThat(get("/v1/models", "only-on-disabled").status()).isEqualTo(401);
    }
}
