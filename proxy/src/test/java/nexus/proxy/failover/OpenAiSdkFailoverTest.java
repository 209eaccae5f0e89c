package nexus.proxy.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import nexus.proxy.Fixtures;
import nexus.proxy.OpenAiReplies;
import nexus.shared.db.ModelType;
import nexus.shared.db.Usage;

/**
 * Contract test: the official OpenAI Java SDK (its own retries off) against a model two providers serve while the
 * first is down gets the second provider's answer, JSON and streamed, chat and embeddings; each attempt is a row.
 */
class OpenAiSdkFailoverTest {

    /** How the first provider is down. */
    enum Down {
        /** Its port refuses connections. */
        CLOSED_PORT(502, "upstream_unavailable"),
        /** It answers 503. */
        UNAVAILABLE(503, "upstream_error");

        final int status;
        final String code;

        Down(int status, String code) {
            this.status = status;
            this.code = code;
        }
    }

    @RegisterExtension
    final TwoProviders gateway = new TwoProviders();

    OpenAIClient client;

    @BeforeEach
    void start() {
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.proxy().url("/v1")).apiKey(TwoProviders.KEY)
                .maxRetries(0).timeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void stop() {
        client.close();
    }

    @ParameterizedTest
    @EnumSource(Down.class)
    void a_chat_completion_comes_from_the_second_provider(Down down) throws Exception {
        takeDown(down);
        gateway.second().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "from second", 5, 2)));

        HttpResponseFor<ChatCompletion> response = client.chat().completions().withRawResponse().create(chat());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().values("X-Nexus-Provider")).containsExactly("Second");
        assertThat(response.headers().values("X-Nexus-Attempts")).containsExactly("2");
        ChatCompletion completion = response.parse();
        assertThat(completion.choices().getFirst().message().content()).contains("from second");
        assertTwoAttempts(down, false);
    }

    @ParameterizedTest
    @EnumSource(Down.class)
    void a_streamed_chat_completion_comes_from_the_second_provider(Down down) throws Exception {
        takeDown(down);
        List<String> chunks = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", "Hello", " there"));
        chunks.add("[DONE]");
        gateway.second().enqueue(OpenAiReplies.stream(chunks));

        String text;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat())) {
            text = stream.stream().flatMap(chunk -> chunk.choices().stream())
                    .map(choice -> choice.delta().content().orElse("")).collect(Collectors.joining());
        }

        assertThat(text).isEqualTo("Hello there");
        assertTwoAttempts(down, true);
    }

    @ParameterizedTest
    @EnumSource(Down.class)
    void embeddings_come_from_the_second_provider(Down down) throws Exception {
        gateway.proxy().addModel(gateway.firstId(), "embed-1", ModelType.EMBEDDING);
        gateway.proxy().addModel(gateway.secondId(), "embed-1", ModelType.EMBEDDING);
        takeDown(down);
        gateway.second().enqueue(OpenAiReplies.json(Fixtures.read("embeddings/openai-float.json")));

        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("embed-1").input("The food was delicious").build());

        assertThat(response.data()).hasSize(2);
        assertThat(response.data().getFirst().embedding()).containsExactly(0.0023064255f, -0.009327292f,
                -0.0028842222f);
        assertTwoAttempts(down, false);
    }

    private void takeDown(Down down) throws Exception {
        if (down == Down.CLOSED_PORT) {
            gateway.first().close();
        } else {
            gateway.first().enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        }
    }

    private void assertTwoAttempts(Down down, boolean stream) {
        assertThat(gateway.rows(2)).extracting(Usage::providerId, Usage::status, Usage::errorCode, Usage::attempt,
                Usage::stream).containsExactlyInAnyOrder(
                tuple(gateway.firstId(), down.status, down.code, 1, stream),
                tuple(gateway.secondId(), 200, null, 2, stream));
    }

    private static ChatCompletionCreateParams chat() {
        return ChatCompletionCreateParams.builder().model("gpt-4").addUserMessage("Hi").build();
    }
}
