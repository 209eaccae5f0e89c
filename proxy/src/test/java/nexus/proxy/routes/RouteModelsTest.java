package nexus.proxy.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.AnthropicErrorBody;
import nexus.proxy.Sse;
import nexus.proxy.routes.RoutedGateway.To;
import nexus.shared.db.ModelPrices;
import nexus.shared.db.ModelType;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.RouteDao;

/**
 * GET /v1/models lists the routes a key may use, owned by nexus, with the range of their targets' prices; in
 * Anthropic's shape too, where the list has the chat routes.
 */
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

    @Test
    void in_anthropics_shape_the_list_has_the_chat_routes_and_a_route_is_retrieved() throws Exception {
        long provider = gateway.provider("Cheap", gateway.alwaysAnswering(0), PERSONAL, "");
        gateway.model(provider, "small");
        gateway.model(provider, "embed-small", ModelType.EMBEDDING, ModelPrices.NONE);
        long fast = gateway.route("fast", "priority", To.of(provider, "small"));
        gateway.route("vectors", ModelType.EMBEDDING, "priority", null, To.of(provider, "embed-small"));
        gateway.issue(NOT_FAST, "small", "any");
        String createdAt = Instant.ofEpochMilli(gateway.proxy().database().dao(RouteDao.class).findById(fast)
                .orElseThrow().createdAtMillis()).truncatedTo(ChronoUnit.SECONDS).toString();

        assertThat(anthropic("/v1/models", PERSONAL).body()).isEqualTo(Sse.tree("""
                {"data":[{"type":"model","id":"small","display_name":"small","created_at":"%1$s"},
                         {"type":"model","id":"embed-small","display_name":"embed-small","created_at":"%1$s"},
                         {"type":"model","id":"fast","display_name":"fast","created_at":"%2$s"}],
                 "has_more":false,"first_id":"small","last_id":"fast"}"""
                .formatted(providerCreatedAt(provider), createdAt)));
        assertThat(anthropic("/v1/models?type=embedding", PERSONAL).body().path("data"))
                .extracting(entry -> entry.path("id").asText()).containsExactly("embed-small", "vectors");
        assertThat(get("/v1/models", PERSONAL).path("data")).extracting(entry -> entry.path("id").asText())
                .containsExactlyInAnyOrder("small", "embed-small", "fast", "vectors");

        Anthropic found = anthropic("/v1/models/fast", PERSONAL);
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.body()).isEqualTo(Sse.tree("{\"type\":\"model\",\"id\":\"fast\",\"display_name\":\"fast\","
                + "\"created_at\":\"" + createdAt + "\"}"));
        Anthropic refused = anthropic("/v1/models/fast", NOT_FAST);
        assertThat(refused.status()).isEqualTo(404);
        assertThat(AnthropicErrorBody.of(refused.body().toString()).type()).isEqualTo("not_found_error");
    }

    private record Anthropic(int status, JsonNode body) {}

    /** A GET as Anthropic's SDKs send it: the key in x-api-key, with anthropic-version. */
    private Anthropic anthropic(String path, String key) throws Exception {
        try (Response response = gateway.proxy().execute(new Request.Builder().url(gateway.proxy().url(path))
                .header("x-api-key", key).header("anthropic-version", "2023-06-01").build())) {
            return new Anthropic(response.code(), Sse.tree(response.body().string()));
        }
    }

    private String providerCreatedAt(long providerId) {
        return Instant.ofEpochMilli(gateway.proxy().database().dao(ProviderDao.class)
                .findById(providerId).orElseThrow().createdAtMillis()).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private JsonNode get(String path, String key) throws Exception {
        try (Response response = gateway.get(path, key)) {
            String body = response.body().string();
            assertThat(response.code()).as(body).isEqualTo(200);
            return Sse.tree(body);
        }
    }
}
