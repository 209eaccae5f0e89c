package nexus.proxy.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ProxyServer;
import nexus.proxy.ProxyWithUpstream;

/**
 * What the admin does to a key is seen by the proxy on the very next request: a top-up lifts a 402, a revocation is
 * a 401. A real admin and a real proxy on one database file, each with its own connection.
 */
class BalanceOverHttpTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @RegisterExtension
    final ProxyWithUpstream upstream = new ProxyWithUpstream();
    ProxyServer proxy;
    AdminDesk admin;

    @BeforeEach
    void start() {
        proxy = upstream.proxy();
        admin = AdminDesk.over(proxy);
        admin.price(upstream.providerId(), "gpt-4", "\"input_price\":\"0\",\"output_price\":\"1000\"");
        upstream.upstream().setDispatcher(new MaxTokensUpstream());
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    @Test
    void a_spent_balance_is_402_until_a_top_up_which_the_very_next_request_sees() throws Exception {
        AdminDesk.IssuedKey key = admin.issue("");
        admin.topUp(key.id(), "0.10", "first");

        Answer spending = chat(key.fullKey());
        Answer empty = chat(key.fullKey());
        admin.topUp(key.id(), "1.00", "second");
        Answer toppedUp = chat(key.fullKey());

        assertThat(spending.status()).isEqualTo(200);
        assertThat(spending.balanceHeader()).isEqualTo("0.10");
        assertThat(spending.body().path("billing").path("balance").textValue()).isEqualTo("0.00");
        assertThat(empty.status()).isEqualTo(402);
        assertThat(empty.body().path("error").path("code").textValue()).isEqualTo("insufficient_balance");
        assertThat(empty.body().path("error").path("type").textValue()).isEqualTo("insufficient_quota");
        assertThat(empty.body().path("error").path("message").textValue()).contains("0.00 available", "top it up");
        assertThat(toppedUp.status()).as("the top-up is seen on the next request").isEqualTo(200);
        assertThat(toppedUp.balanceHeader()).isEqualTo("1.00");
        assertThat(toppedUp.body().path("billing").path("balance").textValue()).isEqualTo("0.90");
        assertThat(upstream.upstream().getRequestCount()).as("the 402 went nowhere").isEqualTo(2);
        assertThat(proxy.usageRowsBeforeABarrier()).hasSize(2);
        assertThat(admin.call("GET", "/keys/" + key.id(), null, 200).path("balance").textValue()).isEqualTo("0.90");
    }

    @Test
    void a_key_revoked_by_the_admin_is_401_on_the_very_next_request() throws Exception {
        AdminDesk.IssuedKey key = admin.issue("");
        assertThat(chat(key.fullKey()).status()).isEqualTo(200);

        admin.call("DELETE", "/keys/" + key.id(), null, 204);
        Answer revoked = chat(key.fullKey());

        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.body().path("error").path("code").textValue()).isEqualTo("invalid_api_key");
        assertThat(upstream.upstream().getRequestCount()).isEqualTo(1);
        assertThat(proxy.usageRowsBeforeABarrier()).hasSize(1);
    }

    private Answer chat(String key) throws IOException {
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", key, "{\"model\":\"gpt-4\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":100}"))) {
            return new Answer(response.code(), response.header("X-Nexus-Balance"),
                    MAPPER.readTree(response.body().string()));
        }
    }

    /** A proxy answer read whole: status, {@code X-Nexus-Balance}, body. */
    private record Answer(int status, String balanceHeader, JsonNode body) {}
}
