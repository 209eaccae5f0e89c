package nexus.proxy.alerts;

import static nexus.proxy.alerts.WebhookReceiver.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Clock;
import java.time.YearMonth;

import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.db.AlertDelivery;

/**
 * Which charges send an alert: each cap threshold once a month, a low balance once per top-up, nothing for a key
 * without a webhook. A last, different event marks the end of each test: the webhooks arrive in order, so every
 * webhook not sent before it was not sent at all.
 */
class AlertThresholdsTest {

    @TempDir
    Path dir;
    private WebhookReceiver receiver;
    private SpendAlerts alerts;
    private String url;

    @BeforeEach
    void start() throws Exception {
        receiver = new WebhookReceiver(dir);
        alerts = receiver.alerts(Clock.systemUTC());
        url = receiver.url();
        receiver.answer(204, 204, 204, 204, 204, 204);
    }

    @AfterEach
    void stop() {
        alerts.close();
        receiver.close();
    }

    @Test
    void the_month_passing_50_then_80_then_100_percent_of_the_cap_sends_each_threshold_once() throws Exception {
        long key = receiver.addKey("prod", url);

        charge(key, 0, 5);      // 50 %
        charge(key, 5, 6);      // nothing new
        charge(key, 6, 8);      // 80 %
        charge(key, 4, 6);      // 50 % again, as a proxy that restarted could see it: already sent
        charge(key, 8, 10);     // 100 %
        charge(key, 10, 11);    // nothing new
        alerts.charged(receiver.capped(key, url, 10, 4.9, YearMonth.of(2027, 1)),
                receiver.capped(key, url, 10, 5, YearMonth.of(2027, 1)));  // the marker: a new month

        assertThat(thresholdAndMonth(receiver.take())).isEqualTo("spend_cap_threshold 0.5 2026-12 5.00");
        assertThat(thresholdAndMonth(receiver.take())).isEqualTo("spend_cap_threshold 0.8 2026-12 8.00");
        assertThat(thresholdAndMonth(receiver.take())).isEqualTo("spend_cap_threshold 1 2026-12 10.00");
        assertThat(thresholdAndMonth(receiver.take())).isEqualTo("spend_cap_threshold 0.5 2027-01 5.00");
        WebhookReceiver.await(() -> receiver.rows(key).size() == 4
                && receiver.rows(key).stream().allMatch(row -> row.status().equals("delivered")));
        assertThat(receiver.rows(key)).extracting(AlertDelivery::thresholdPercent, AlertDelivery::month)
                .containsExactly(tuple(50, "2027-01"),
                        tuple(100, "2026-12"),
                        tuple(80, "2026-12"),
                        tuple(50, "2026-12"));
    }

    @Test
    void a_jump_from_40_to_100_percent_sends_all_three_thresholds_lowest_first() throws Exception {
        long key = receiver.addKey("prod", url);

        charge(key, 4, 10);

        assertThat(thresholdAndMonth(receiver.take())).isEqualTo("spend_cap_threshold 0.5 2026-12 10.00");
        assertThat(thresholdAndMonth(receiver.take())).isEqualTo("spend_cap_threshold 0.8 2026-12 10.00");
        assertThat(thresholdAndMonth(receiver.take())).isEqualTo("spend_cap_threshold 1 2026-12 10.00");
    }

    @Test
    void a_balance_below_10_percent_of_the_last_top_up_is_sent_once_per_top_up() throws Exception {
        long key = receiver.addKey("prod", url);

        alerts.charged(receiver.metered(key, url, 3, 20, 1), receiver.metered(key, url, 1.5, 20, 1));
        alerts.charged(receiver.metered(key, url, 1.5, 20, 1), receiver.metered(key, url, 1, 20, 1));
        alerts.charged(receiver.metered(key, url, 2.5, 20, 1), receiver.metered(key, url, 1.9, 20, 1));  // seen anew
        alerts.charged(receiver.metered(key, url, 11, 10, 2), receiver.metered(key, url, 5, 10, 2));
        alerts.charged(receiver.metered(key, url, 5, 10, 2), receiver.metered(key, url, 0.5, 10, 2));

        JsonNode first = json(receiver.take());
        assertThat(first.path("event").asText()).isEqualTo("balance_low");
        assertThat(first.path("threshold").decimalValue()).isEqualByComparingTo("0.1");
        assertThat(first.path("balance").asText()).isEqualTo("1.50");
        assertThat(first.path("last_topup").asText()).isEqualTo("20.00");
        JsonNode second = json(receiver.take());
        assertThat(second.path("balance").asText()).isEqualTo("0.50");
        assertThat(second.path("last_topup").asText()).isEqualTo("10.00");
        charge(key, 0, 5);  // the marker
        assertThat(json(receiver.take()).path("event").asText()).isEqualTo("spend_cap_threshold");
    }

    @Test
    void a_key_without_a_webhook_url_queues_nothing() throws Exception {
        long silent = receiver.addKey("silent", "");
        long marker = receiver.addKey("marker", url);

        alerts.charged(receiver.capped(silent, "", 10, 0), receiver.capped(silent, "", 10, 10));
        alerts.charged(receiver.metered(silent, "", 5, 20, 1), receiver.metered(silent, "", 1, 20, 1));
        charge(marker, 0, 5);

        assertThat(json(receiver.take()).path("key_id").asLong()).isEqualTo(marker);
        assertThat(receiver.rows(silent)).isEmpty();
    }

    @Test
    void an_event_the_database_refuses_is_dropped_and_later_events_still_go_out() throws Exception {
        long marker = receiver.addKey("marker", url);

        charge(999, 0, 5);  // no such key: the outbox refuses its row
        charge(marker, 0, 5);

        assertThat(json(receiver.take()).path("key_id").asLong()).isEqualTo(marker);
    }

    private void charge(long key, double spentBefore, double spentAfter) {
        alerts.charged(receiver.capped(key, url, 10, spentBefore), receiver.capped(key, url, 10, spentAfter));
    }

    private static String thresholdAndMonth(RecordedRequest request) {
        JsonNode body = json(request);
        return body.path("event").asText() + " " + body.path("threshold").decimalValue().toPlainString() + " "
                + body.path("month").asText() + " " + body.path("spend").asText();
    }
}
