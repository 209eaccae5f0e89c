package nexus.proxy.routes;

import static org.assertj.core.api.Assertions.assertThat;

import mockwebserver3.MockWebServer;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ErrorBody;
import nexus.proxy.Fixtures;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.routes.RoutedGateway.To;
import nexus.proxy.routing.bandit.Evidence;
import nexus.shared.db.ModelPrices;
import nexus.shared.db.ModelType;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/**
 * A target whose provider's kind cannot serve the endpoint called (anthropic has no completions, embeddings, rerank
 * or images) is left out: the next target answers, and only when none can is the client told, naming the endpoint.
 */
class RouteKindsTest {

    private static final String KEY = "kinds-key";
    private static final String COMPLETION = "{\"model\":\"%s\",\"prompt\":\"Say this is a test\"}";

    @RegisterExtension
    final RoutedGateway gateway = new RoutedGateway();

    private MockWebServer claudeUpstream;
    private long claude;

    @BeforeEach
    void anthropicProvider() throws Exception {
        claudeUpstream = gateway.upstream();
        claude = gateway.proxy().addProvider("Claude", ProviderKind.ANTHROPIC, claudeUpstream.url("/v1").toString(),
                KEY);
    }

    @Test
    void completions_on_a_chat_route_go_to_the_target_that_serves_them_and_the_other_is_not_counted()
            throws Exception {
        MockWebServer openAi = gateway.upstream();
        long second = gateway.provider("Second", openAi, KEY, "");
        gateway.model(claude, "claude-big");
        gateway.model(second, "small");
        gateway.route("fast", "priority", To.of(claude, "claude-big"), To.of(second, "small"));
        int calls = 6;  // more than the failures that open a circuit
        for (int call = 0; call < calls; call++) {
            openAi.enqueue(OpenAiReplies.json(Fixtures.read("completions/openai.json")));
        }

        for (int call = 0; call < calls; call++) {
            try (Response response = gateway.proxy().execute(gateway.proxy().post("/v1/completions", KEY,
                    COMPLETION.formatted("fast")))) {
                String body = response.body().string();
                assertThat(response.code()).as(body).isEqualTo(200);
                assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
                assertThat(response.header("X-Nexus-Attempts")).isEqualTo("1");
                assertThat(body).contains("This is indeed a test");
            }
        }

        assertThat(claudeUpstream.getRequestCount()).isZero();
        assertThat(gateway.proxy().app().bandit().evidence(claude, "claude-big")).isEqualTo(Evidence.NONE);
        assertThat(gateway.proxy().awaitUsageRows(calls)).extracting(row -> row.providerName() + " " + row.status()
                + " " + row.attempt() + " " + row.route()).containsOnly("Second 200 1 fast");
    }

    @Test
    void the_targets_left_keep_their_weights() throws Exception {
        MockWebServer never = gateway.upstream();
        MockWebServer always = gateway.upstream();
        long neverId = gateway.provider("Never", never, KEY, "");
        long alwaysId = gateway.provider("Always", always, KEY, "");
        gateway.model(claude, "claude-big");
        gateway.model(neverId, "small");
        gateway.model(alwaysId, "small");
        gateway.route("fast", "weighted", new To(claude, "claude-big", 5), new To(neverId, "small", 0),
                new To(alwaysId, "small", 5));
        always.enqueue(OpenAiReplies.json(Fixtures.read("completions/openai.json")));

        try (Response response = gateway.proxy().execute(gateway.proxy().post("/v1/completions", KEY,
                COMPLETION.formatted("fast")))) {
            assertThat(response.code()).as(response.body().string()).isEqualTo(200);
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Always");
        }
        assertThat(never.getRequestCount() + claudeUpstream.getRequestCount()).isZero();
    }

    @Test
    void embeddings_of_a_model_two_providers_serve_go_to_the_one_whose_kind_serves_them() throws Exception {
        MockWebServer openAi = gateway.upstream();
        long second = gateway.provider("Second", openAi, KEY, "");
        gateway.model(claude, "embed", ModelType.EMBEDDING, ModelPrices.NONE);
        gateway.model(second, "embed", ModelType.EMBEDDING, ModelPrices.NONE);
        openAi.enqueue(OpenAiReplies.json(Fixtures.read("embeddings/openai-float.json")));

        try (Response response = gateway.proxy().execute(gateway.proxy().post("/v1/embeddings", KEY,
                "{\"model\":\"embed\",\"input\":\"hello\"}"))) {
            String body = response.body().string();
            assertThat(response.code()).as(body).isEqualTo(200);
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
            assertThat(body).contains("\"embedding\"");
        }
        assertThat(claudeUpstream.getRequestCount()).isZero();
        assertThat(gateway.proxy().awaitUsageRows(1)).extracting(Usage::providerName).containsExactly("Second");
    }

    @Test
    void a_route_none_of_whose_targets_serves_the_endpoint_is_a_400_naming_it() throws Exception {
        MockWebServer other = gateway.upstream();
        long claudeToo = gateway.proxy().addProvider("Claude too", ProviderKind.ANTHROPIC,
                other.url("/v1").toString(), KEY);
        gateway.model(claude, "claude-big");
        gateway.model(claudeToo, "claude-small");
        gateway.route("fast", "priority", To.of(claude, "claude-big"), To.of(claudeToo, "claude-small"));

        try (Response response = gateway.proxy().execute(gateway.proxy().post("/v1/completions", KEY,
                COMPLETION.formatted("fast")))) {
            ErrorBody error = ErrorBody.of(response.body().string());
            assertThat(response.code()).isEqualTo(400);
            assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("invalid_request_error", "invalid_request",
                    "model"));
            assertThat(error.message()).isEqualTo("No provider of the model 'fast' serves /v1/completions:"
                    + " 'Claude' is of kind anthropic, 'Claude too' is of kind anthropic.");
        }
        assertThat(claudeUpstream.getRequestCount() + other.getRequestCount()).isZero();
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).isEmpty();
    }
}
