package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.shared.db.AlertDeliveryDao;
import nexus.shared.db.ApiKey;
import nexus.shared.db.ApiKeyDao;

class AlertsApiTest {

    private static final long DECEMBER_1 = 1_796_083_200_000L;  // 2026-12-01T00:00:00Z

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest();
    private long keyId;
    private AlertDeliveryDao deliveries;

    @BeforeEach
    void addKey() {
        keyId = admin.database().dao(ApiKeyDao.class).insert(new ApiKey(0, "prod", "hash-1", "sk-nx-AbC1…", true, "",
                null, null, null, true, 100_000_000_000L, "https://hooks.example.com/T1/token", "whsec_c2VjcmV0",
                null, 1L, 1L));
        deliveries = admin.database().dao(AlertDeliveryDao.class);
    }

    @Test
    void a_keys_deliveries_are_listed_newest_first_with_their_last_outcome() {
        deliveries.insertOnce("msg_a", keyId, "spend_cap_threshold", 50, "2026-12", 0, "{}", DECEMBER_1);
        deliveries.insertOnce("msg_b", keyId, "spend_cap_threshold", 80, "2026-12", 0, "{}", DECEMBER_1 + 60_000);
        deliveries.insertOnce("msg_c", keyId, "balance_low", 10, "2026-12", 3, "{}", DECEMBER_1 + 120_000);
        List<Long> ids = deliveries.listByKey(keyId).stream().map(row -> row.id()).toList();
        deliveries.delivered(ids.get(2), 204, DECEMBER_1 + 1_000);
        deliveries.retryLater(ids.get(1), 500, "the webhook answered HTTP 500", DECEMBER_1 + 90_000);
        deliveries.failed(ids.get(0), null, "the webhook host refused the connection");

        JsonNode list = admin.get("/keys/" + keyId + "/alerts").expect(200);

        assertThat(list).hasSize(3);
        assertThat(fields(list.get(2))).containsExactly("id", "webhook_id", "event", "threshold", "month", "status",
                "attempts", "last_status_code", "last_error", "created_at", "delivered_at", "next_attempt_at");
        assertThat(list.get(0).path("event").asText()).isEqualTo("balance_low");
        assertThat(list.get(0).path("threshold").decimalValue()).isEqualByComparingTo("0.1");
        assertThat(list.get(0).path("status").asText()).isEqualTo("failed");
        assertThat(list.get(0).path("last_status_code").isNull()).isTrue();
        assertThat(list.get(0).path("last_error").asText()).isEqualTo("the webhook host refused the connection");
        assertThat(list.get(0).path("next_attempt_at").isNull()).isTrue();
        assertThat(list.get(1).path("status").asText()).isEqualTo("pending");
        assertThat(list.get(1).path("attempts").asInt()).isEqualTo(1);
        assertThat(list.get(1).path("last_status_code").asInt()).isEqualTo(500);
        assertThat(list.get(1).path("next_attempt_at").asText()).isEqualTo("2026-12-01T00:01:30Z");
        JsonNode delivered = list.get(2);
        assertThat(delivered.path("id").asLong()).isEqualTo(ids.get(2));
        assertThat(delivered.path("webhook_id").asText()).isEqualTo("msg_a");
        assertThat(delivered.path("threshold").decimalValue()).isEqualByComparingTo("0.5");
        assertThat(delivered.path("month").asText()).isEqualTo("2026-12");
        assertThat(delivered.path("status").asText()).isEqualTo("delivered");
        assertThat(delivered.path("last_status_code").asInt()).isEqualTo(204);
        assertThat(delivered.path("last_error").isNull()).isTrue();
        assertThat(delivered.path("created_at").asText()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(delivered.path("delivered_at").asText()).isEqualTo("2026-12-01T00:00:01Z");
        assertThat(admin.get("/keys/" + keyId + "/alerts").body()).doesNotContain("hooks.example.com", "whsec_");
    }

    @Test
    void a_key_without_deliveries_has_an_empty_list() {
        assertThat(admin.get("/keys/" + keyId + "/alerts").expect(200)).isEmpty();
    }

    @Test
    void an_unknown_or_revoked_key_is_a_404_and_a_bad_id_a_400() {
        assertThat(admin.get("/keys/999/alerts").failure()).isEqualTo(AdminServer.Failure.notFound("id"));
        admin.database().dao(ApiKeyDao.class).revoke(keyId, 2L);
        assertThat(admin.get("/keys/" + keyId + "/alerts").failure()).isEqualTo(AdminServer.Failure.notFound("id"));
        assertThat(admin.get("/keys/abc/alerts").failure()).isEqualTo(AdminServer.Failure.invalid("id"));
    }

    private static List<String> fields(JsonNode node) {
        return node.properties().stream().map(Map.Entry::getKey).toList();
    }
}
