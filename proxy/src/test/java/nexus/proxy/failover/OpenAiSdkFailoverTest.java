package nexus.proxy.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import nexus.proxy.Fixtures;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.Sse;
import nexus.shared.db.ModelType;
import nexus.shared.db.Route;
import nexus.shared.db.RouteDao;
import nexus.shared.db.RouteTarget;
import nexus.shared.db.Usage;

/**
 * Contract test: the official OpenAI Java SDK (its own retries off) against a model two providers serve, or a route
 * whose first target is down, gets the second provider's answer, JSON and streamed, chat and embeddings; each attempt
 * is a row.
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

    /** What the SDK names as its model. */
    enum Named {
        /** The model both providers serve: the second provider is the fallback of the first. */
        MODEL("gpt-4", null, "gpt-4"),
        /** A priority route of the first provider's gpt-4, then the second provider's gpt-4o-mini. */
        ROUTE("nexus/fast", "nexus/fast", "gpt-4o-mini");

        final String model;
        final String route;
        final String secondModel;

        Named(String model, String route, String secondModel) {
            this.model = model;
            this.route = route;
            this.secondModel = secondModel;
        }
    }

    @RegisterExtension
    final TwoProviders gateway = new TwoProviders();

    OpenAIClient client;

    @BeforeEach
    void start() {
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.proxy().url("/v1")).apiKey(TwoProviders.KEY)
                .maxRetries(0).timeout(Duration.ofSeconds(10)).build();
        gateway.proxy().addModel(gateway.secondId(), Named.ROUTE.secondModel, ModelType.CHAT);
        RouteDao routes = gateway.proxy().database().dao(RouteDao.class);
        long now = System.currentTimeMillis();
        long route = routes.insert(new Route(0, Named.ROUTE.route, ModelType.CHAT, "priority", "", true, null, null,
                null, null, null, null, now, now));
        routes.insertTarget(new RouteTarget(route, 0, gateway.firstId(), "gpt-4", 1));
        routes.insertTarget(new RouteTarget(route, 1, gateway.secondId(), Named.ROUTE.secondModel, 1));
    }

    static Stream<Arguments> downAndNamed() {
        return Stream.of(Down.values()).flatMap(down -> Stream.of(Named.values())
                .map(named -> Arguments.of(down, named)));
    }

    @AfterEach
    void stop() {
        client.close();
    }

    @ParameterizedTest
    @MethodSource("downAndNamed")
    void a_chat_completion_comes_from_the_second_provider(Down down, Named named) throws Exception {
        takeDown(down);
        gateway.second().enqueue(OpenAiReplies.json(OpenAiReplies.completion(named.secondModel, "from second", 5,
                2)));

        HttpResponseFor<ChatCompletion> response = client.chat().completions().withRawResponse()
                .create(chat(named));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().values("X-Nexus-Provider")).containsExactly("Second");
        assertThat(response.headers().values("X-Nexus-Model")).containsExactly(named.secondModel);
        assertThat(response.headers().values("X-Nexus-Attempts")).containsExactly("2");
        assertThat(response.headers().values("X-Nexus-Route"))
                .isEqualTo(named.route == null ? List.of() : List.of(named.route));
        ChatCompletion completion = response.parse();
        assertThat(completion.choices().getFirst().message().content()).contains("from second");
        assertSecondAsked(named);
        assertTwoAttempts(down, false, named.route);
    }

    @ParameterizedTest
    @MethodSource("downAndNamed")
    void a_streamed_chat_completion_comes_from_the_second_provider(Down down, Named named) throws Exception {
        takeDown(down);
        List<String> chunks = new ArrayList<>(OpenAiReplies.answerChunks(named.secondModel, "Hello", " there"));
        chunks.add("[DONE]");
        gateway.second().enqueue(OpenAiReplies.stream(chunks));

        String text;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(chat(named))) {
            text = stream.stream().flatMap(chunk -> chunk.choices().stream())
                    .map(choice -> choice.delta().content().orElse("")).collect(Collectors.joining());
        }

        assertThat(text).isEqualTo("Hello there");
        assertSecondAsked(named);
        assertTwoAttempts(down, true, named.route);
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
        assertTwoAttempts(down, false, null);
    }

    private void takeDown(Down down) throws Exception {
        if (down == Down.CLOSED_PORT) {
            gateway.first().close();
        } else {
            gateway.first().enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        }
    }

    /** The second provider was asked for the model it serves under the name the client sent. */
    private void assertSecondAsked(Named named) throws InterruptedException {
        RecordedRequest sent = gateway.second().takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent).isNotNull();
        assertThat(Sse.tree(sent.getBody().utf8()).path("model").asText()).isEqualTo(named.secondModel);
    }

    /** @param route the route the client named, or null for a model */
    private void assertTwoAttempts(Down down, boolean stream, String route) {
        assertThat(gateway.rows(2)).extracting(Usage::providerId, Usage::status, Usage::errorCode, Usage::attempt,
                Usage::stream, Usage::route).containsExactlyInAnyOrder(
                tuple(gateway.firstId(), down.status, down.code, 1, stream, route),
                tuple(gateway.secondId(), 200, null, 2, stream, route));
    }

    private static ChatCompletionCreateParams chat(Named named) {
        return ChatCompletionCreateParams.builder().model(named.model).addUserMessage("Hi").build();
    }
}
