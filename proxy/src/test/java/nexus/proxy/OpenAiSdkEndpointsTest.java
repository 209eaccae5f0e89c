package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.db.ModelType;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/** Contract test: the official OpenAI Java SDK's embeddings, images and legacy completions against the mock kind. */
class OpenAiSdkEndpointsTest {

    private static final String KEY = "sdk-client-key";

    @TempDir
    Path dir;

    ProxyServer proxy;
    OpenAIClient client;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        long mock = proxy.addProvider("Local mock", ProviderKind.MOCK, "mock://local?chunks=3&delay_ms=0", KEY,
                "mock-instruct");
        proxy.addModel(mock, "mock-embedding", ModelType.EMBEDDING);
        proxy.addModel(mock, "mock-image", ModelType.IMAGE);
        client = OpenAIOkHttpClient.builder().baseUrl(proxy.url("/v1")).apiKey(KEY).maxRetries(0)
                .timeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        proxy.close();
    }

    private CreateEmbeddingResponse embed(EmbeddingCreateParams.EncodingFormat format) {
        return client.embeddings().create(EmbeddingCreateParams.builder().model("mock-embedding")
                .input("The quick brown fox").dimensions(64).encodingFormat(format).build());
    }

    @Test
    void float_embeddings_read_as_the_sdks_vectors_of_unit_length() {
        CreateEmbeddingResponse response = embed(EmbeddingCreateParams.EncodingFormat.FLOAT);

        List<Float> vector = response.data().getFirst().embedding();
        assertThat(vector).hasSize(64);
        assertThat(vector.stream().mapToDouble(value -> value * value).sum()).isCloseTo(1.0, within(1e-5));
        assertThat(response.usage().promptTokens()).isEqualTo(4);
        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(row.endpoint()).isEqualTo("embeddings");
        assertThat(row.promptTokens()).isEqualTo(4);
    }

    @Test
    void base64_embeddings_carry_the_same_vector_as_float_ones() {
        List<Float> floats = embed(EmbeddingCreateParams.EncodingFormat.FLOAT).data().getFirst().embedding();

        String base64 = embed(EmbeddingCreateParams.EncodingFormat.BASE64).data().getFirst().embeddingValue()
                .asBase64();

        java.nio.FloatBuffer decoded = java.nio.ByteBuffer.wrap(Base64.getDecoder().decode(base64))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        assertThat(decoded.remaining()).isEqualTo(64);
        for (float value : floats) {
            assertThat(decoded.get()).isEqualTo(value);
        }
    }

    @Test
    void generated_images_read_as_the_sdks_images_and_are_counted() {
        ImagesResponse response = client.images().generate(ImageGenerateParams.builder().model("mock-image")
                .prompt("A lighthouse at dawn").n(2).responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON)
                .build());

        assertThat(response.data().orElseThrow()).hasSize(2).allSatisfy(image -> {
            byte[] png = Base64.getDecoder().decode(image.b64Json().orElseThrow());
            assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        });
        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(row.endpoint()).isEqualTo("images.generations");
        assertThat(row.images()).isEqualTo(2);
    }

    @Test
    void a_legacy_completion_echoes_the_prompt() {
        Completion completion = client.completions().create(CompletionCreateParams.builder().model("mock-instruct")
                .prompt("Say this is a test").build());

        assertThat(completion.choices()).singleElement().satisfies(choice ->
                assertThat(choice.text()).isEqualTo("Say this is a test"));
        assertThat(completion.usage().orElseThrow().completionTokens()).isPositive();
        assertThat(proxy.awaitUsageRows(1).getFirst().endpoint()).isEqualTo("completions");
    }

    @Test
    void a_streamed_legacy_completion_assembles_from_its_pieces() {
        String text;
        try (StreamResponse<Completion> stream = client.completions().createStreaming(
                CompletionCreateParams.builder().model("mock-instruct").prompt("Stream this back").build())) {
            text = stream.stream().flatMap(chunk -> chunk.choices().stream()).map(choice -> choice.text())
                    .collect(Collectors.joining());
        }

        assertThat(text).isEqualTo("Stream this back");
        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(row.stream()).isTrue();
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.completionTokens()).isPositive();
    }
}
