package nexus.proxy.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.Sse;
import nexus.proxy.routes.RoutedGateway.To;

/** GET /v1/models lists the routes a key may use, owned by nexus, with the range of their targets' prices. */
class RouteModelsTest {

    private static final String PERSONAL = "models-key";
    private static final String ONLY_FAST = "sk-nx-onlyfast-000000000000000";
    private static final String NOT_FAST = "sk-nx-notfast-0000000000000000";

    @RegisterExtension
    final RoutedGateway gateway = new RoutedGateway();

    @Test
    void the_routes_a_key_may_use_are_listed_with_their_price_range() throws Exception {
        long cheap = gateway.provider("Cheap", gateway.alwaysAnswering(0), PERSONAL, "");
        long dear = gateway.provider("Dear", gateway.alwaysAnswering(0), PERSONAL, "");
        gateway.model(cheap, "small", "0.5", "1.5");
        gateway.model(dear, "big", "10", "30");
        gateway.route("fast", "priority", To.of(cheap, "small"), To.of(dear, "big"));
        gateway.issue(ONLY_FAST, "fast", "any");
        gateway.issue(NOT_FAST, "small", "any");

        JsonNode listed = get("/v1/models", ONLY_FAST);
        assertThat(listed.path("data")).hasSize(1);
        JsonNode fast = listed.path("data").get(0);
        assertThat(fast.path("id").asText()).isEqualTo("fast");
        assertThat(fast.path("object").asText()).isEqualTo("model");
        assertThat(fast.path("owned_by").asText()).isEqualTo("nexus");
        assertThat(fast.path("created").asLong()).isPositive();
        assertThat(new BigDecimal(fast.path("price_range").path("min").path("input_price").asText()))
                .isEqualByComparingTo("0.5");
        assertThat(new BigDecimal(fast.path("price_range").path("max").path("output_price").asText()))
                .isEqualByComparingTo("30");

        assertThat(get("/v1/models", NOT_FAST).path("data")).extracting(entry -> entry.path("id").asText())
                .containsExactly("small");
        assertThat(get("/v1/models", PERSONAL).path("data")).extracting(entry -> entry.path("id").asText())
                .containsExactlyInAnyOrder("small", "big", "fast");
        assertThat(get("/v1/models/fast", ONLY_FAST).path("owned_by").asText()).isEqualTo("nexus");
        try (Response response = gateway.get("/v1/models/fast", NOT_FAST)) {
            assertThat(response.code()).isEqualTo(404);
        }
    }

    private JsonNode get(String path, String key) throws Exception {
        try (Response response = gateway.get(path, key)) {
            String body = response.body().string();
            assertThat(response.code()).as(body).isEqualTo(200);
            return Sse.tree(body);
        }
    }
}
