package nexus.shared.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertDeliveryDaoTest {

    private static final String CAP = "spend_cap_threshold";
    private static final String BALANCE = "balance_low";

    @TempDir
    Path dir;
    private AlertDeliveryDao deliveries;
    private long keyId;

    @BeforeEach
    void open() {
        Database database = Database.open(dir.resolve("nexus.db"));
        keyId = database.dao(ApiKeyDao.class).insert(new ApiKey(0, "prod", "hash-1", "sk-nx-AbC1…", true, "", null,
                null, null, true, 100L, "https://hooks.example.com/a", "whsec_c2VjcmV0", null, 1L, 1L));
        deliveries = database.dao(AlertDeliveryDao.class);
    }

    @Test
    void a_cap_threshold_is_stored_once_per_month() {
        assertThat(deliveries.insertOnce("msg_1", keyId, CAP, 50, "2026-12", 0, "{}", 1_000)).isTrue();
        assertThat(deliveries.insertOnce("msg_2", keyId, CAP, 50, "2026-12", 0, "{}", 2_000)).isFalse();
        assertThat(deliveries.insertOnce("msg_3", keyId, CAP, 80, "2026-12", 0, "{}", 3_000)).isTrue();
        assertThat(deliveries.insertOnce("msg_4", keyId, CAP, 50, "2027-01", 0, "{}", 4_000)).isTrue();

        assertThat(deliveries.listByKey(keyId)).extracting(AlertDelivery::webhookId)
                .containsExactly("msg_4", "msg_3", "msg_1");
    }

    @Test
    void a_low_balance_is_stored_once_per_top_up_whatever_the_month() {
        assertThat(deliveries.insertOnce("msg_1", keyId, BALANCE, 10, "2026-12", 7, "{}", 1_000)).isTrue();
        assertThat(deliveries.insertOnce("msg_2", keyId, BALANCE, 10, "2027-01", 7, "{}", 2_000)).isFalse();
        assertThat(deliveries.insertOnce("msg_3", keyId, BALANCE, 10, "2027-01", 8, "{}", 3_000)).isTrue();
    }

    @Test
    void a_new_row_is_pending_and_due_at_once() {
        deliveries.insertOnce("msg_1", keyId, CAP, 50, "2026-12", 0, "{\"a\":1}", 1_000);

        assertThat(deliveries.listDue(999, 10)).isEmpty();
        assertThat(deliveries.listDue(1_000, 10)).singleElement().satisfies(row -> {
            assertThat(row.status()).isEqualTo(AlertDelivery.PENDING);
            assertThat(row.attempts()).isZero();
            assertThat(row.body()).isEqualTo("{\"a\":1}");
            assertThat(row.nextAttemptAtMillis()).isEqualTo(1_000L);
        });
        assertThat(deliveries.nextDue()).contains(1_000L);
    }

    @Test
    void a_due_row_is_claimed_by_one_sender_only() {
        deliveries.insertOnce("msg_1", keyId, CAP, 50, "2026-12", 0, "{}", 1_000);
        long id = deliveries.listByKey(keyId).getFirst().id();

        assertThat(deliveries.claim(id, 1_000, 61_000)).isTrue();
        assertThat(deliveries.claim(id, 1_000, 61_000)).isFalse();
        assertThat(deliveries.listDue(60_999, 10)).isEmpty();
    }

    @Test
    void outcomes_count_attempts_and_end_in_delivered_or_failed() {
        deliveries.insertOnce("msg_1", keyId, CAP, 50, "2026-12", 0, "{}", 1_000);
        deliveries.insertOnce("msg_2", keyId, CAP, 80, "2026-12", 0, "{}", 1_000);
        long first = deliveries.listByKey(keyId).get(1).id();
        long second = deliveries.listByKey(keyId).get(0).id();

        deliveries.retryLater(first, 500, "the webhook answered HTTP 500", 5_000);
        deliveries.delivered(first, 204, 6_000);
        deliveries.failed(second, null, "the webhook host refused the connection");

        assertThat(deliveries.listByKey(keyId)).satisfiesExactly(
                row -> {
                    assertThat(row.status()).isEqualTo(AlertDelivery.FAILED);
                    assertThat(row.attempts()).isEqualTo(1);
                    assertThat(row.lastStatusCode()).isNull();
                    assertThat(row.nextAttemptAtMillis()).isNull();
                },
                row -> {
                    assertThat(row.status()).isEqualTo(AlertDelivery.DELIVERED);
                    assertThat(row.attempts()).isEqualTo(2);
                    assertThat(row.lastStatusCode()).isEqualTo(204);
                    assertThat(row.lastError()).isNull();
                    assertThat(row.deliveredAtMillis()).isEqualTo(6_000L);
                });
        assertThat(deliveries.nextDue()).isEmpty();
    }
}
