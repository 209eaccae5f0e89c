package nexus.proxy.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.MockWebServer;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.Sse;
import nexus.proxy.routes.RoutedGateway.To;
import nexus.shared.db.ModelType;
import nexus.shared.db.Usage;

/** A route named as the model is answered by its targets in its strategy's order. */
class RouteStrategiesTest {

    private static final String KEY = "routes-key";

    @RegisterExtension
    final RoutedGateway gateway = new RoutedGateway();

    @Test
    void priority_falls_back_to_the_next_target_on_a_503_with_a_usage_row_per_attempt() throws Exception {
        MockWebServer down = gateway.upstream();
        down.enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        long first = gateway.provider("First", down, KEY, "");
        long second = gateway.provider("Second", gateway.alwaysAnswering(0), KEY, "");
        gateway.model(first, "big");
        gateway.model(second, "small");
        gateway.route("fast", "priority", To.of(first, "big"), To.of(second, "small"));

        try (Response response = gateway.chat(KEY, "fast")) {
            String body = response.body().string();
            assertThat(response.code()).as(body).isEqualTo(200);
            assertThat(response.header("X-Nexus-Route")).isEqualTo("fast");
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
            assertThat(response.header("X-Nexus-Model")).isEqualTo("small");
            assertThat(response.header("X-Nexus-Attempts")).isEqualTo("2");
            assertThat(Sse.tree(body).path("nexus").path("route").asText()).isEqualTo("fast");
        }
        List<Usage> rows = gateway.proxy().awaitUsageRows(2);
        assertThat(rows).extracting(Usage::route).containsExactly("fast", "fast");
        assertThat(rows).extracting(Usage::attempt).containsExactly(1, 2);
        assertThat(rows).extracting(Usage::status).containsExactly(503, 200);
        assertThat(rows).extracting(Usage::model).containsExactly("big", "small");
    }

    @Test
    void weighted_shares_follow_the_weights_and_a_weight_of_zero_is_only_a_fallback() throws Exception {
        long heavy = gateway.provider("Heavy", gateway.alwaysAnswering(0), KEY, "");
        long light = gateway.provider("Light", gateway.alwaysAnswering(0), KEY, "");
        long spare = gateway.provider("Spare", gateway.alwaysAnswering(0), KEY, "");
        for (long provider : new long[] {heavy, light, spare}) {
            gateway.model(provider, "m");
        }
        gateway.route("mix", "weighted", new To(heavy, "m", 3), new To(light, "m", 1), new To(spare, "m", 0));

        Map<String, Integer> answered = new HashMap<>();
        for (int request = 0; request < 200; request++) {
            try (Response response = gateway.chat(KEY, "mix")) {
                assertThat(response.code()).isEqualTo(200);
                answered.merge(response.header("X-Nexus-Provider"), 1, Integer::sum);
            }
        }

        assertThat(answered.getOrDefault("Heavy", 0)).as(answered.toString()).isBetween(130, 170);
        assertThat(answered.getOrDefault("Light", 0)).as(answered.toString()).isBetween(30, 70);
        assertThat(answered).doesNotContainKey("Spare");
    }

    @Test
    void cost_tries_the_cheapest_priced_target_first_and_unpriced_ones_last() throws Exception {
        MockWebServer cheapUpstream = gateway.upstream();
        cheapUpstream.enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        cheapUpstream.enqueue(OpenAiReplies.json(OpenAiReplies.completion("m", "cheap", 3, 1)));
        long unpriced = gateway.provider("Unpriced", gateway.alwaysAnswering(0), KEY, "");
        long dear = gateway.provider("Dear", gateway.alwaysAnswering(0), KEY, "");
        long cheap = gateway.provider("Cheap", cheapUpstream, KEY, "");
        gateway.model(unpriced, "m");
        gateway.model(dear, "m", "10", "30");
        gateway.model(cheap, "m", "0.5", "1.5");
        gateway.route("thrifty", "cost", To.of(unpriced, "m"), To.of(dear, "m"), To.of(cheap, "m"));

        try (Response response = gateway.chat(KEY, "thrifty")) {
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Dear");
            assertThat(response.header("X-Nexus-Attempts")).isEqualTo("2");
        }
        try (Response response = gateway.chat(KEY, "thrifty")) {
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Cheap");
        }
    }

    @Test
    void least_latency_measures_each_target_then_prefers_the_faster() throws Exception {
        long slow = gateway.provider("Slow", gateway.alwaysAnswering(300), KEY, "");
        long quick = gateway.provider("Quick", gateway.alwaysAnswering(0), KEY, "");
        gateway.model(slow, "m");
        gateway.model(quick, "m");
        gateway.route("snappy", "least_latency", To.of(slow, "m"), To.of(quick, "m"));

        StringBuilder order = new StringBuilder();
        for (int request = 0; request < 5; request++) {
            try (Response response = gateway.chat(KEY, "snappy")) {
                order.append(response.header("X-Nexus-Provider")).append(' ');
            }
        }

        assertThat(order.toString().strip()).isEqualTo("Slow Quick Quick Quick Quick");
    }

    @Test
    void a_route_without_a_usable_target_answers_503_no_healthy_target() throws Exception {
        long provider = gateway.provider("Only", gateway.alwaysAnswering(0), KEY, "");
        gateway.model(provider, "m");
        gateway.route("empty", "priority", To.of(provider, "not-served-here"));

        try (Response response = gateway.chat(KEY, "empty")) {
            String body = response.body().string();
            assertThat(response.code()).isEqualTo(503);
            assertThat(ErrorBody.of(body).withoutMessage())
                    .isEqualTo(ErrorBody.of("server_error", "no_healthy_target", "model"));
            assertThat(body).contains("'empty'");
        }
    }

    @Test
    void a_route_of_another_type_is_refused_like_a_model_of_another_type() throws Exception {
        long provider = gateway.provider("Only", gateway.alwaysAnswering(0), KEY, "");
        gateway.proxy().addModel(provider, "embedder", ModelType.EMBEDDING);
        gateway.route("vectors", ModelType.EMBEDDING, "priority", null, To.of(provider, "embedder"));

        try (Response response = gateway.chat(KEY, "vectors")) {
            String body = response.body().string();
            assertThat(response.code()).as(body).isEqualTo(400);
            JsonNode error = Sse.tree(body).path("error");
            assertThat(error.path("param").asText()).isEqualTo("model");
            assertThat(error.path("message").asText()).contains("embedding");
        }
    }
}
