package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class UpstreamHealthApiTest {

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest();

    @Test
    void nothing_published_is_an_empty_list() {
        assertThat(admin.get("/health/upstreams").expect(200).toString()).isEqualTo("{\"data\":[]}");
    }

    @Test
    void each_published_target_shows_its_state_provider_name_and_the_proxys_report() {
        long openAi = admin.createProvider("OpenAI", "key-a");
        publish(openAi, "gpt-4o", "", "open", "{\"error_rate\":0.5,\"p50_ms\":420,\"last_error\":\"upstream_timeout\","
                + "\"state\":\"ignored\"}", 1_764_000_000_000L);
        publish(999, "gone", "", "closed", "{}", 1_764_000_001_000L);

        JsonNode data = admin.get("/health/upstreams").expect(200).path("data");

        assertThat(data).hasSize(2);
        assertThat(data.get(0).toString()).isEqualTo("{\"provider_id\":" + openAi + ",\"provider_name\":\"OpenAI\","
                + "\"model_name\":\"gpt-4o\",\"route\":null,\"state\":\"open\",\"updated_at\":\"2025-11-24T16:00:00Z\","
                + "\"error_rate\":0.5,\"p50_ms\":420,\"last_error\":\"upstream_timeout\"}");
        assertThat(data.get(1).path("provider_name").isNull()).isTrue();
        assertThat(data.get(1).path("state").textValue()).isEqualTo("closed");
    }

    @Test
    void a_routes_own_circuit_of_a_target_is_an_entry_of_its_own_naming_the_route() {
        long openAi = admin.createProvider("OpenAI", "key-a");
        publish(openAi, "gpt-4o", "steady", "open", "{\"error_rate\":1.0}", 1_764_000_000_000L);
        publish(openAi, "gpt-4o", "", "closed", "{\"error_rate\":0.0}", 1_764_000_000_000L);

        JsonNode data = admin.get("/health/upstreams").expect(200).path("data");

        assertThat(data).hasSize(2);
        assertThat(data.get(0).path("route").isNull()).as("the instance-wide circuit comes first").isTrue();
        assertThat(data.get(0).path("state").textValue()).isEqualTo("closed");
        assertThat(data.get(1).path("route").textValue()).isEqualTo("steady");
        assertThat(data.get(1).path("state").textValue()).isEqualTo("open");
        assertThat(data.get(1).path("model_name").textValue()).isEqualTo("gpt-4o");
    }

    private void publish(long providerId, String model, String route, String state, String report, long at) {
        admin.database().inTransaction(handle -> handle.createUpdate("INSERT INTO upstream_health (provider_id,"
                        + " model_name, route, state, report, updated_at_millis) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(0, providerId).bind(1, model).bind(2, route).bind(3, state).bind(4, report).bind(5, at)
                .execute());
    }
}
