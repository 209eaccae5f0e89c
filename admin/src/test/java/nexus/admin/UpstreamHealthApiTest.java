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
        publish(openAi, "gpt-4o", "open", "{\"error_rate\":0.5,\"p50_ms\":420,\"last_error\":\"upstream_timeout\","
                + "\"state\":\"ignored\"}", 1_764_000_000_000L);
        publish(999, "gone", "closed", "{}", 1_764_000_001_000L);

        JsonNode data = admin.get("/health/upstreams").expect(200).path("data");

        assertThat(data).hasSize(2);
        assertThat(data.get(0).toString()).isEqualTo("{\"provider_id\":" + openAi + ",\"provider_name\":\"OpenAI\","
                + "\"model_name\":\"gpt-4o\",\"state\":\"open\",\"updated_at\":\"2025-11-24T16:00:00Z\","
                + "\"error_rate\":0.5,\"p50_ms\":420,\"last_error\":\"upstream_timeout\"}");
        assertThat(data.get(1).path("provider_name").isNull()).isTrue();
        assertThat(data.get(1).path("state").textValue()).isEqualTo("closed");
    }

    private void publish(long providerId, String model, String state, String report, long at) {
        admin.database().inTransaction(handle -> handle.createUpdate("INSERT INTO upstream_health (provider_id,"
                        + " model_name, state, report, updated_at_millis) VALUES (?, ?, ?, ?, ?)")
                .bind(0, providerId).bind(1, model).bind(2, state).bind(3, report).bind(4, at).execute());
    }
}
