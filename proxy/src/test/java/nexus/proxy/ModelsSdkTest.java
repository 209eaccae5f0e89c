package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.models.ModelInfo;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.models.models.Model;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.db.Provider;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderKind;

/** Contract test: {@code models().retrieve(…)} and {@code models().list()} of the official OpenAI and Anthropic SDKs. */
class ModelsSdkTest {

    private static final String KEY = "sdk-client-key";

    @TempDir
    Path dir;

    ProxyServer proxy;
    Provider provider;
    OpenAIClient openAi;
    AnthropicClient anthropic;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        provider = proxy.database().dao(ProviderDao.class).findById(proxy.addProvider("DeepSeek", ProviderKind.OPENAI,
                "https://api.deepseek.com/v1", KEY, "deepseek-chat", "deepseek-reasoner")).orElseThrow();
        openAi = OpenAIOkHttpClient.builder().apiKey(KEY).baseUrl(proxy.url("/v1")).maxRetries(0)
                .timeout(Duration.ofSeconds(10)).build();
        anthropic = AnthropicOkHttpClient.builder().apiKey(KEY).baseUrl(proxy.url("")).maxRetries(0)
                .timeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void stop() {
        openAi.close();
        anthropic.close();
        proxy.close();
    }

    @Test
    void the_openai_sdk_retrieves_a_model_and_raises_not_found_for_an_unknown_one() {
        Model model = openAi.models().retrieve("deepseek-reasoner");

        assertThat(model.id()).isEqualTo("deepseek-reasoner");
        assertThat(model.ownedBy()).isEqualTo("DeepSeek");
        assertThat(model.created()).isEqualTo(provider.createdAtMillis() / 1000);
        assertThatThrownBy(() -> openAi.models().retrieve("gpt-9"))
                .isInstanceOfSatisfying(NotFoundException.class, error -> assertThat(error.statusCode()).isEqualTo(404));
    }

    @Test
    void the_anthropic_sdk_retrieves_and_lists_models_in_its_own_types() {
        ModelInfo model = anthropic.models().retrieve("deepseek-chat");

        assertThat(model.id()).isEqualTo("deepseek-chat");
        assertThat(model.displayName()).isEqualTo("deepseek-chat");
        assertThat(model.createdAt().toInstant())
                .isEqualTo(Instant.ofEpochMilli(provider.createdAtMillis()).truncatedTo(ChronoUnit.SECONDS));
        assertThat(anthropic.models().list().data()).extracting(ModelInfo::id)
                .containsExactly("deepseek-chat", "deepseek-reasoner");
        assertThatThrownBy(() -> anthropic.models().retrieve("claude-9"))
                .isInstanceOf(com.anthropic.errors.NotFoundException.class);
    }
}
