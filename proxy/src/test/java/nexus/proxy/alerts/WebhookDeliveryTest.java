package nexus.proxy.alerts;

import static nexus.proxy.alerts.WebhookReceiver.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.db.AlertDelivery;

/** Delivery of alert webhooks over HTTPS: signed, retried, given up, and resumed after a restart. */
class WebhookDeliveryTest {

    @TempDir
    Path dir;
    private WebhookReceiver receiver;
    private SpendAlerts alerts;
    private String url;
    private long key;

    @BeforeEach
    void start() throws Exception {
        receiver = new WebhookReceiver(dir);
        url = receiver.url();
        key = receiver.addKey("prod", url);
    }

    @AfterEach
    void stop() {
        if (alerts != null) {
            alerts.close();
        }
        receiver.close();
    }

    @Test
    void a_webhook_arrives_over_https_with_the_event_and_a_valid_standard_webhooks_signature() throws Exception {
        alerts = receiver.alerts(Clock.systemUTC());
        receiver.answer(200);
        Instant before = Instant.now();

        alerts.charged(receiver.capped(key, url, 10, 7.5), receiver.capped(key, url, 10, 8.25));

        RecordedRequest request = receiver.take();
        assertThat(request.getUrl().encodedPath()).isEqualTo(WebhookReceiver.PATH);
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
        String body = request.getBody().utf8();
        new Webhook(receiver.secret).verify(body, Map.of(
                "webhook-id", List.of(request.getHeaders().get("webhook-id")),
                "webhook-timestamp", List.of(request.getHeaders().get("webhook-timestamp")),
                "webhook-signature", List.of(request.getHeaders().get("webhook-signature"))));
        assertThat(request.getHeaders().get("webhook-signature")).isEqualTo(expectedSignature(request));
        assertThat(request.getHeaders().get("webhook-id")).matches("msg_[0-9a-f]{32}");
        assertThat(Long.parseLong(request.getHeaders().get("webhook-timestamp")))
                .isBetween(before.getEpochSecond(), Instant.now().getEpochSecond());

        JsonNode event = json(request);
        assertThat(event.properties()).extracting(Map.Entry::getKey).containsExactly("event", "key_id", "key_name",
                "threshold", "spend", "cap", "balance", "last_topup", "currency", "month", "occurred_at");
        assertThat(event.path("event").asText()).isEqualTo("spend_cap_threshold");
        assertThat(event.path("key_id").asLong()).isEqualTo(key);
        assertThat(event.path("key_name").asText()).isEqualTo("key-" + key);
        assertThat(event.path("threshold").isNumber()).isTrue();
        assertThat(event.path("threshold").decimalValue()).isEqualByComparingTo("0.8");
        assertThat(event.path("spend").asText()).isEqualTo("8.25");
        assertThat(event.path("cap").asText()).isEqualTo("10.00");
        assertThat(event.path("balance").isNull()).isTrue();
        assertThat(event.path("currency").asText()).isEqualTo("USD");
        assertThat(event.path("month").asText()).isEqualTo("2026-12");
        assertThat(Instant.parse(event.path("occurred_at").asText())).isBetween(before.minusMillis(1), Instant.now());

        receiver.awaitNewest(key, "delivered", 1);
        AlertDelivery row = receiver.rows(key).getFirst();
        assertThat(row.webhookId()).isEqualTo(request.getHeaders().get("webhook-id"));
        assertThat(row.attempts()).isEqualTo(1);
        assertThat(row.lastStatusCode()).isEqualTo(200);
        assertThat(row.deliveredAtMillis()).isNotNull();
    }

    @Test
    void a_webhook_answered_500_is_retried_with_the_same_id_and_body_and_then_delivered() throws Exception {
        alerts = receiver.alerts(Clock.systemUTC(), Duration.ofMillis(50), Duration.ofMillis(50));
        receiver.answer(500, 204);

        alerts.charged(receiver.capped(key, url, 10, 0), receiver.capped(key, url, 10, 5));

        RecordedRequest first = receiver.take();
        RecordedRequest second = receiver.take();
        assertThat(second.getHeaders().get("webhook-id")).isEqualTo(first.getHeaders().get("webhook-id"));
        assertThat(second.getBody().utf8()).isEqualTo(first.getBody().utf8());
        assertThat(second.getHeaders().get("webhook-signature")).isEqualTo(expectedSignature(second));
        receiver.awaitNewest(key, "delivered", 2);
        assertThat(receiver.rows(key)).singleElement().satisfies(row -> {
            assertThat(row.lastStatusCode()).isEqualTo(204);
            assertThat(row.lastError()).isNull();
        });
    }

    @Test
    void a_webhook_that_keeps_failing_is_given_up_as_failed_after_the_last_retry() throws Exception {
        alerts = receiver.alerts(Clock.systemUTC(), Duration.ofMillis(10), Duration.ofMillis(10));
        receiver.answer(500, 503, 500, 204);

        alerts.charged(receiver.capped(key, url, 10, 0), receiver.capped(key, url, 10, 5));

        receiver.awaitNewest(key, "failed", 3);
        assertThat(receiver.rows(key)).singleElement().satisfies(row -> {
            assertThat(row.lastStatusCode()).isEqualTo(500);
            assertThat(row.lastError()).isEqualTo("the webhook answered HTTP 500");
            assertThat(row.nextAttemptAtMillis()).isNull();
        });
        assertThat(receiver.server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void a_pending_webhook_is_delivered_by_the_next_start_on_the_same_database_file() throws Exception {
        alerts = receiver.alerts(Clock.systemUTC(), Duration.ofHours(1));
        receiver.answer(500, 204);
        alerts.charged(receiver.capped(key, url, 10, 0), receiver.capped(key, url, 10, 5));
        RecordedRequest first = receiver.take();
        receiver.awaitNewest(key, "pending", 1);
        alerts.close();
        assertThat(receiver.rows(key).getFirst().status()).isEqualTo("pending");

        receiver.reopen();  // the next start, when the retry an hour later is due
        alerts = receiver.alerts(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(61)), Duration.ofHours(1));

        RecordedRequest retried = receiver.take();
        assertThat(retried.getHeaders().get("webhook-id")).isEqualTo(first.getHeaders().get("webhook-id"));
        assertThat(retried.getHeaders().get("webhook-signature")).isEqualTo(expectedSignature(retried));
        receiver.awaitNewest(key, "delivered", 2);
    }

    /** The signature computed here from the spec, independently of the reference library. */
    private String expectedSignature(RecordedRequest request) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(receiver.secret.substring("whsec_".length())),
                "HmacSHA256"));
        String signed = request.getHeaders().get("webhook-id") + "." + request.getHeaders().get("webhook-timestamp")
                + "." + request.getBody().utf8();
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }
}
