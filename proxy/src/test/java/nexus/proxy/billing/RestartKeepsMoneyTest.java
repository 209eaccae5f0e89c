package nexus.proxy.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.ProxyServer;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.ProviderKind;

/** A proxy started again on the same database file knows what each key spent: its balance and this month's spend. */
class RestartKeepsMoneyTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @StartStop
    final MockWebServer upstream = new MockWebServer();
    @TempDir
    Path dir;
    ProxyServer proxy;
    AdminDesk admin;

    @AfterEach
    void stop() {
        admin.close();
        proxy.close();
    }

    @Test
    void the_balance_and_the_month_spent_against_the_cap_survive_a_restart() throws Exception {
        NexusConfig config = NexusConfig.forTests(dir);
        upstream.setDispatcher(new MaxTokensUpstream());
        proxy = ProxyServer.start(config);
        long providerId = proxy.addProvider("OpenAI", ProviderKind.OPENAI, upstream.url("/v1").toString(), "unused",
                "gpt-4");
        admin = AdminDesk.over(proxy);
        admin.price(providerId, "gpt-4", "\"input_price\":\"0\",\"output_price\":\"1000\"");
        AdminDesk.IssuedKey key = admin.issue("\"monthly_spend_cap_usd\":\"0.50\"");
        admin.topUp(key.id(), "1.00", "restart");

        Answer first = chat(key.fullKey(), 100, false);
        Answer streamed = chat(key.fullKey(), 100, true);
        proxy.close();  // at once: what was spent must be on disk by the time close returns
        proxy = ProxyServer.start(config);
        Answer afterRestart = chat(key.fullKey(), 100, false);
        Answer pastTheCap = chat(key.fullKey(), 201, false);
        Answer upToTheCap = chat(key.fullKey(), 200, false);

        assertThat(first.balanceHeader()).isEqualTo("1.00");
        assertThat(streamed.status()).isEqualTo(200);
        assertThat(afterRestart.status()).isEqualTo(200);
        assertThat(afterRestart.balanceHeader()).as("1.00 less the two calls of 0.10 before the restart")
                .isEqualTo("0.80");
        assertThat(pastTheCap.status()).isEqualTo(402);
        assertThat(pastTheCap.body().path("error").path("code").textValue()).isEqualTo("spend_cap_exceeded");
        assertThat(pastTheCap.body().path("error").path("message").textValue()).contains("spent 0.30");
        assertThat(upToTheCap.status()).as("0.30 spent and 0.20 more is the cap exactly").isEqualTo(200);
        assertThat(upToTheCap.balanceHeader()).isEqualTo("0.70");
        assertThat(upToTheCap.body().path("billing").path("balance").textValue()).isEqualTo("0.50");
    }

    private Answer chat(String key, int maxTokens, boolean stream) throws IOException {
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", key, "{\"model\":\"gpt-4\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":" + maxTokens
                + ",\"stream\":" + stream + "}"))) {
            String body = response.body().string();
            return new Answer(response.code(), response.header("X-Nexus-Balance"),
                    stream ? MAPPER.createObjectNode() : MAPPER.readTree(body));
        }
    }

    /** A proxy answer read whole: status, {@code X-Nexus-Balance}, body (empty for a stream). */
    private record Answer(int status, String balanceHeader, JsonNode body) {}
}
