package nexus.proxy.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import nexus.proxy.ProxyServer;
import nexus.proxy.Sse;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** GET /v1/usage (and its aliases): a key holder's own usage and cost for today, the week or the month, in UTC. */
class OwnUsageTest {

    /** Today on the proxy's clock is Sunday 2026-12-06 (UTC): the week reaches back into November, the month not. */
    private static final Instant NOW = Instant.parse("2026-12-06T15:30:00Z");
    private static final String KEY = "client-key-1";
    private static final String OTHER_KEY = "client-key-2";
    /** A third of a cent in nano-units: three of them sum to 0.009999999, exactly. */
    private static final long THIRD_OF_A_CENT = 3_333_333;
    private static final AtomicLong REQUEST_IDS = new AtomicLong();

    @TempDir
    Path dir;

    ProxyServer proxy;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(NexusConfig.forTests(dir).withCurrency("CNY"), Clock.fixed(NOW, ZoneOffset.UTC));
        proxy.addProvider("Mock", ProviderKind.MOCK, "mock://local?delay_ms=0", KEY, "mock-1");
        proxy.addProvider("Other mock", ProviderKind.MOCK, "mock://local?delay_ms=0", OTHER_KEY, "mock-2");
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void today_is_the_callers_rows_since_midnight_utc_summed_exactly() throws IOException {
        seed(row(KEY, "gpt-4", 1, 2, THIRD_OF_A_CENT, "2026-12-06T00:00:00.000Z"),
                row(KEY, "gpt-4", 3, 4, THIRD_OF_A_CENT, "2026-12-06T15:29:59.999Z"),
                row(KEY, "gpt-4o", 5, 6, THIRD_OF_A_CENT, "2026-12-06T01:00:00Z"),
                row(KEY, "gpt-4", 1000, 1000, 1, "2026-12-05T23:59:59.999Z"));

        JsonNode body = usage("/v1/usage?period=today", KEY);

        assertThat(body.toString()).isEqualTo("{\"period\":\"today\",\"from\":\"2026-12-06\",\"to\":\"2026-12-06\","
                + "\"currency\":\"CNY\",\"totals\":{\"requests\":3,\"prompt_tokens\":9,\"completion_tokens\":12,"
                + "\"total_tokens\":21,\"cost\":\"0.009999999\"},"
                + "\"by_day\":[{\"day\":\"2026-12-06\",\"requests\":3,\"prompt_tokens\":9,\"completion_tokens\":12,"
                + "\"total_tokens\":21,\"cost\":\"0.009999999\"}],"
                + "\"by_model\":[{\"model\":\"gpt-4\",\"requests\":2,\"prompt_tokens\":4,\"completion_tokens\":6,"
                + "\"total_tokens\":10,\"cost\":\"0.006666666\"},{\"model\":\"gpt-4o\",\"requests\":1,"
                + "\"prompt_tokens\":5,\"completion_tokens\":6,\"total_tokens\":11,\"cost\":\"0.003333333\"}]}");
    }

    @Test
    void the_week_is_the_last_seven_utc_days_and_every_day_has_a_line() throws IOException {
        seed(row(KEY, "gpt-4", 1, 1, THIRD_OF_A_CENT, "2026-11-30T00:00:00.000Z"),
                row(KEY, "gpt-4", 1, 1, THIRD_OF_A_CENT, "2026-12-02T12:00:00Z"),
                row(KEY, "gpt-4", 1, 1, THIRD_OF_A_CENT, "2026-12-06T12:00:00Z"),
                row(KEY, "gpt-4", 1, 1, 1, "2026-11-29T23:59:59.999Z"));

        JsonNode body = usage("/v1/usage?period=week", KEY);

        assertThat(body.path("from").asText()).isEqualTo("2026-11-30");
        assertThat(body.path("to").asText()).isEqualTo("2026-12-06");
        assertThat(body.path("totals").path("cost").asText()).isEqualTo("0.009999999");
        assertThat(body.path("by_day")).extracting(day -> day.path("day").asText() + " " + day.path("cost").asText())
                .containsExactly("2026-11-30 0.003333333", "2026-12-01 0.00", "2026-12-02 0.003333333",
                        "2026-12-03 0.00", "2026-12-04 0.00", "2026-12-05 0.00", "2026-12-06 0.003333333");
    }

    @Test
    void the_month_is_the_calendar_month_in_utc_and_is_the_default() throws IOException {
        seed(row(KEY, "gpt-4", 1, 1, 20_000_000_000L, "2026-12-01T00:00:00.000Z"),
                row(KEY, "gpt-4", 1, 1, 7, "2026-11-30T23:59:59.999Z"));

        JsonNode month = usage("/v1/usage?period=month", KEY);
        JsonNode byDefault = usage("/v1/usage", KEY);

        assertThat(month.path("from").asText()).isEqualTo("2026-12-01");
        assertThat(month.path("by_day")).hasSize(6);
        assertThat(month.path("totals").path("requests").asLong()).isEqualTo(1);
        assertThat(month.path("totals").path("cost").asText()).isEqualTo("20.00");
        assertThat(byDefault.path("period").asText()).isEqualTo("month");
        assertThat(byDefault.path("totals")).isEqualTo(month.path("totals"));
    }

    @Test
    void another_keys_rows_are_never_shown() throws IOException {
        seed(row(KEY, "gpt-4", 1, 1, THIRD_OF_A_CENT, "2026-12-06T10:00:00Z"),
                row(OTHER_KEY, "secret-model", 500, 500, 5_000_000_000L, "2026-12-06T10:00:00Z"),
                row("key:1", "issued-model", 700, 700, 7_000_000_000L, "2026-12-06T10:00:00Z"));

        JsonNode mine = usage("/v1/usage?period=today", KEY);
        JsonNode theirs = usage("/v1/usage?period=today", OTHER_KEY);

        assertThat(mine.path("totals").path("requests").asLong()).isEqualTo(1);
        assertThat(mine.path("totals").path("cost").asText()).isEqualTo("0.003333333");
        assertThat(mine.path("by_model")).extracting(model -> model.path("model").asText()).containsExactly("gpt-4");
        assertThat(mine.toString()).doesNotContain("secret-model", "issued-model", "5.00", "7.00");
        assertThat(theirs.path("by_model")).extracting(model -> model.path("model").asText())
                .containsExactly("secret-model");
    }

    @Test
    void a_request_made_through_the_proxy_counts_for_its_key() throws IOException {
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", KEY,
                "{\"model\":\"mock-1\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))) {
            assertThat(response.code()).isEqualTo(200);
        }
        List<Usage> rows = proxy.awaitUsageRows(1);

        JsonNode body = usage("/v1/usage?period=today", KEY);

        assertThat(body.path("totals").path("requests").asLong()).isEqualTo(1);
        assertThat(body.path("totals").path("total_tokens").asLong()).isEqualTo(rows.getFirst().totalTokens());
        assertThat(body.path("by_model").get(0).path("model").asText()).isEqualTo("mock-1");
        assertThat(usage("/v1/usage?period=today", OTHER_KEY).path("totals").path("requests").asLong()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/usage?period=week", "/api/proxy/usage?period=week"})
    void the_platforms_paths_answer_the_same(String path) throws IOException {
        seed(row(KEY, "gpt-4", 1, 1, THIRD_OF_A_CENT, "2026-12-03T10:00:00Z"));

        assertThat(usage(path, KEY)).isEqualTo(usage("/v1/usage?period=week", KEY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"year", "", "TODAY", "7"})
    void a_bad_period_is_a_400_naming_it(String period) throws IOException {
        try (Response response = get("/v1/usage?period=" + period, KEY)) {
            JsonNode error = Sse.tree(response.body().string()).path("error");
            assertThat(response.code()).isEqualTo(400);
            assertThat(error.path("code").asText()).isEqualTo("invalid_request");
            assertThat(error.path("param").asText()).isEqualTo("period");
        }
    }

    @Test
    void without_a_known_key_there_is_no_usage() throws IOException {
        try (Response none = get("/v1/usage", null); Response unknown = get("/v1/usage", "not-a-key")) {
            assertThat(none.code()).isEqualTo(401);
            assertThat(Sse.tree(none.body().string()).at("/error/code").asText()).isEqualTo("missing_api_key");
            assertThat(unknown.code()).isEqualTo(401);
            assertThat(Sse.tree(unknown.body().string()).at("/error/code").asText()).isEqualTo("invalid_api_key");
        }
    }

    private JsonNode usage(String path, String key) throws IOException {
        try (Response response = get(path, key)) {
            String body = response.body().string();
            assertThat(response.code()).as(body).isEqualTo(200);
            return Sse.tree(body);
        }
    }

    private Response get(String path, String key) throws IOException {
        Request.Builder request = new Request.Builder().url(proxy.url(path));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return proxy.execute(request.build());
    }

    private void seed(Usage... rows) {
        proxy.database().insertUsage(Stream.of(rows).toList());
    }

    private static Usage row(String apiKey, String model, long prompt, long completion, long costNanos, String at) {
        Long keyId = apiKey.startsWith("key:") ? Long.valueOf(apiKey.substring(4)) : null;
        return new Usage(0, "seeded-" + REQUEST_IDS.incrementAndGet(), apiKey, 1, "Mock", model, "c1",
                "chat.completions", false, prompt, completion, prompt + completion, UsageSource.REPORTED, 200, false,
                null, 12, null, Instant.parse(at).toEpochMilli(), 0, 0, 0, keyId, costNanos, false);
    }
}
