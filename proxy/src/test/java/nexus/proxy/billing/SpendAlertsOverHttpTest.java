package nexus.proxy.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.ProxyServer;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.ProviderKind;

/**
 * A key's monthly cap and alert webhook end to end: set by a real admin, spent through the proxy's port, and the
 * signed events received by a real HTTPS server the proxy trusts, once per threshold crossed.
 */
class SpendAlertsOverHttpTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String HOOK_PATH = "/hooks/alerts";

    @StartStop
    final MockWebServer upstream = new MockWebServer();
    final MockWebServer receiver = new MockWebServer();

    @TempDir
    Path dir;
    ProxyServer proxy;
    AdminDesk admin;

    @BeforeEach
    void start() throws IOException {
        HeldCertificate certificate = new HeldCertificate.Builder().addSubjectAlternativeName("localhost").build();
        receiver.useHttps(new HandshakeCertificates.Builder().heldCertificate(certificate).build().sslSocketFactory());
        receiver.start();
        HandshakeCertificates trusted = new HandshakeCertificates.Builder()
                .addTrustedCertificate(certificate.certificate()).build();
        proxy = ProxyServer.start(NexusConfig.forTests(dir), client -> client.newBuilder()
                .sslSocketFactory(trusted.sslSocketFactory(), trusted.trustManager()).build());
        long providerId = proxy.addProvider("OpenAI", ProviderKind.OPENAI, upstream.url("/v1").toString(), "unused",
                "gpt-4");
        admin = AdminDesk.over(proxy);
        admin.price(providerId, "gpt-4", "\"input_price\":\"0\",\"output_price\":\"1000\"");
        upstream.setDispatcher(new MaxTokensUpstream());
    }

    @AfterEach
    void stop() {
        admin.close();
        proxy.close();
        receiver.close();
    }

    @Test
    void crossing_50_and_80_percent_of_the_cap_sends_one_signed_event_each_and_nothing_more_below_100()
            throws Exception {
        AdminDesk.IssuedKey key = admin.issue("\"monthly_spend_cap_usd\":\"1.00\"");
        JsonNode set = admin.call("PATCH", "/keys/" + key.id() + "/alert-webhook",
                "{\"url\":\"" + receiver.url(HOOK_PATH) + "\"}", 200);
        String secret = set.path("secret").textValue();
        assertThat(secret).startsWith("whsec_");
        receiver.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().code(204).build();
            }
        });
        Instant before = Instant.now();

        // Each call costs its max_tokens at 1000 per million: 0.30, 0.60 (past 50 %), 0.90 (past 80 %), 0.95.
        for (int tokens : new int[] {300, 300, 300, 50}) {
            assertThat(chat(key.fullKey(), tokens)).isEqualTo(200);
        }
        RecordedRequest fifty = take();
        RecordedRequest eighty = take();
        assertThat(chat(key.fullKey(), 50)).as("1.00: at the cap, not past it").isEqualTo(200);
        RecordedRequest hundred = take();

        for (RecordedRequest request : List.of(fifty, eighty, hundred)) {
            assertThat(request.getUrl().encodedPath()).isEqualTo(HOOK_PATH);
            new Webhook(secret).verify(request.getBody().utf8(), Map.of(
                    "webhook-id", List.of(request.getHeaders().get("webhook-id")),
                    "webhook-timestamp", List.of(request.getHeaders().get("webhook-timestamp")),
                    "webhook-signature", List.of(request.getHeaders().get("webhook-signature"))));
        }
        assertEvent(fifty, key.id(), "0.5", "0.60", before);
        assertEvent(eighty, key.id(), "0.8", "0.90", before);
        assertEvent(hundred, key.id(), "1", "1.00", before);  // the next event after 80 %: none for 0.95
        assertThat(receiver.getRequestCount()).isEqualTo(3);
        assertThat(chat(key.fullKey(), 50)).as("past the cap").isEqualTo(402);
    }

    private static void assertEvent(RecordedRequest request, long keyId, String threshold, String spend,
                                    Instant before) throws IOException {
        JsonNode event = MAPPER.readTree(request.getBody().utf8());
        assertThat(event.path("event").textValue()).isEqualTo("spend_cap_threshold");
        assertThat(event.path("key_id").asLong()).isEqualTo(keyId);
        assertThat(event.path("key_name").textValue()).isEqualTo("friend");
        assertThat(event.path("threshold").decimalValue()).isEqualByComparingTo(new BigDecimal(threshold));
        assertThat(event.path("spend").isTextual()).isTrue();
        assertThat(event.path("spend").textValue()).isEqualTo(spend);
        assertThat(event.path("cap").textValue()).isEqualTo("1.00");
        assertThat(event.path("balance").isNull()).as("the key has no prepaid balance").isTrue();
        assertThat(event.path("currency").textValue()).isEqualTo("USD");
        assertThat(event.path("month").textValue()).isEqualTo(YearMonth.now(ZoneOffset.UTC).toString());
        assertThat(Instant.parse(event.path("occurred_at").textValue())).isBetween(before.minusMillis(1),
                Instant.now());
    }

    private int chat(String key, int maxTokens) throws IOException {
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", key, "{\"model\":\"gpt-4\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":" + maxTokens + "}"))) {
            response.body().string();
            return response.code();
        }
    }

    private RecordedRequest take() throws InterruptedException {
        RecordedRequest request = receiver.takeRequest(10, TimeUnit.SECONDS);
        assertThat(request).as("a webhook within 10 s").isNotNull();
        return request;
    }
}
