package nexus.proxy.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.proxy.ProxyWithUpstream;
import nexus.shared.db.ApiKey;
import nexus.shared.db.ApiKeyDao;
import nexus.shared.db.LedgerDao;
import nexus.shared.db.ModelPrices;
import nexus.shared.db.ProviderModelDao;
import nexus.shared.db.Usage;
import nexus.shared.secret.KeyHash;

/** Issued keys on the proxy's port: who they let in, what each call costs, and balances and caps under load. */
class IssuedKeysTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String FULL_KEY = "sk-nx-TestKeyAbcdefghijklmnopqrstuvwxyz0123456789";
    private static final String CHAT = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @RegisterExtension
    final ProxyWithUpstream upstream = new ProxyWithUpstream();
    ProxyServer proxy;
    long keyId;

    @BeforeEach
    void issueKey() {
        proxy = upstream.proxy();
        keyId = proxy.database().dao(ApiKeyDao.class).insert(key(FULL_KEY, true, "", null, null, false));
    }

    @Test
    void an_issued_key_opens_every_model_and_is_never_stored() throws Exception {
        upstream.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "hello", 3, 2)));

        JsonNode answer = send(CHAT + "}", 200);

        assertThat(answer.path("choices").get(0).path("message").path("content").textValue()).isEqualTo("hello");
        assertThat(answer.has("billing")).as("no price, no balance: the answer is the upstream's").isFalse();
        Usage row = upstream.onlyRow();
        assertThat(row.apiKey()).isEqualTo("key:" + keyId);
        assertThat(row.keyId()).isEqualTo(keyId);
        byte[] database = Files.readAllBytes(proxy.config().databaseFile());
        assertThat(new String(database, StandardCharsets.ISO_8859_1)).doesNotContain(FULL_KEY.substring(6));
    }

    @Test
    void revoked_expired_disabled_and_unlisted_keys_are_refused_before_any_upstream_call() throws Exception {
        ApiKeyDao keys = proxy.database().dao(ApiKeyDao.class);
        String expired = "sk-nx-Expired0000000000000000000000000000000000000";
        keys.insert(key(expired, true, "", 1L, null, false));
        String disabled = "sk-nx-Disabled000000000000000000000000000000000000";
        keys.insert(key(disabled, false, "", null, null, false));
        String limited = "sk-nx-Limited00000000000000000000000000000000000000";
        keys.insert(key(limited, true, "gpt-4o\nfast", null, null, false));

        assertThat(refusal(expired)).containsExactly("401", "invalid_api_key");
        assertThat(message(expired)).contains("expired");
        assertThat(refusal(disabled)).containsExactly("403", "permission_denied");
        assertThat(message(disabled)).contains("disabled");
        assertThat(refusal(limited)).containsExactly("403", "permission_denied");
        assertThat(message(limited)).contains("'gpt-4'");
        assertThat(refusal("sk-nx-Unknown")).containsExactly("401", "invalid_api_key");
        keys.revoke(keyId, System.currentTimeMillis());
        assertThat(refusal(FULL_KEY)).as("revoked: refused on the very next request").containsExactly("401",
                "invalid_api_key");
        assertThat(upstream.upstream().getRequestCount()).isZero();
        assertThat(proxy.usageRowsBeforeABarrier()).isEmpty();
    }

    @Test
    void a_call_costs_its_tokens_with_cached_ones_priced_once_streamed_or_not() throws Exception {
        price("2.50", "10", "1.25");
        String usage = "{\"prompt_tokens\":1000,\"completion_tokens\":500,\"total_tokens\":1500,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":200}}";
        upstream.upstream().enqueue(OpenAiReplies.json("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"gpt-4\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"x\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":" + usage + "}"));
        upstream.upstream().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body("data: " + OpenAiReplies.contentChunk("gpt-4", "x") + "\n\ndata: {\"id\":\"c2\",\"object\":"
                        + "\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4\",\"choices\":[],\"usage\":" + usage
                        + "}\n\ndata: [DONE]\n\n").build());

        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", FULL_KEY, CHAT + "}"))) {
            JsonNode answer = MAPPER.readTree(response.body().string());
            // 800 uncached at 2.50, 200 cached at 1.25, 500 out at 10, per million: 0.002 + 0.00025 + 0.005
            assertThat(response.header("X-Nexus-Cost")).isEqualTo("0.00725");
            assertThat(answer.path("billing").path("cost").textValue()).isEqualTo("0.00725");
            assertThat(answer.path("billing").path("input_tokens").intValue()).isEqualTo(1000);
            assertThat(answer.path("billing").path("balance").isNull()).isTrue();
            assertThat(answer.path("billing").path("currency").textValue()).isEqualTo("USD");
        }
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", FULL_KEY,
                CHAT + ",\"stream\":true}"))) {
            assertThat(response.body().string()).contains("[DONE]");
        }

        assertThat(proxy.awaitUsageRows(2)).extracting(Usage::costNanos).containsExactly(7_250_000L, 7_250_000L);
    }

    @Test
    void a_balance_is_shown_before_and_after_and_each_cost_is_a_ledger_entry() throws Exception {
        price("0", "1000", null);
        topUp("20.00");
        upstream.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "x", 10, 100)));

        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", FULL_KEY,
                CHAT + ",\"max_tokens\":100}"))) {
            JsonNode answer = MAPPER.readTree(response.body().string());
            assertThat(response.header("X-Nexus-Balance")).isEqualTo("20.00");
            assertThat(response.header("X-Nexus-Cost")).isEqualTo("0.10");
            assertThat(answer.path("billing").path("balance").textValue()).isEqualTo("19.90");
        }
        upstream.onlyRow();
        assertThat(proxy.database().dao(LedgerDao.class).balance(keyId)).isEqualTo(19_900_000_000L);
    }

    @Test
    void fifty_concurrent_calls_against_a_balance_for_ten_never_overspend_it() throws Exception {
        price("0", "1000", null);  // each call may cost up to max_tokens 100 at 1000 per million: 0.10
        topUp("1.00");
        answerEveryCallWith(100);

        List<Integer> statuses = concurrently(50, CHAT + ",\"max_tokens\":100}");

        assertThat(statuses).containsOnly(200, 402).filteredOn(status -> status == 200).hasSize(10);
        assertThat(upstream.upstream().getRequestCount()).isEqualTo(10);
        proxy.awaitUsageRows(10);
        assertThat(proxy.database().dao(LedgerDao.class).balance(keyId)).isZero();
    }

    @Test
    void fifty_concurrent_calls_against_a_monthly_cap_never_pass_it() throws Exception {
        price("0", "1000", null);
        proxy.database().dao(ApiKeyDao.class).update(proxy.database().dao(ApiKeyDao.class).findActive(keyId)
                .orElseThrow().withSpendCap(500_000_000L, System.currentTimeMillis()));
        answerEveryCallWith(100);

        List<Integer> statuses = concurrently(50, CHAT + ",\"max_tokens\":100}");

        assertThat(statuses).containsOnly(200, 402).filteredOn(status -> status == 200).hasSize(5);
        assertThat(proxy.awaitUsageRows(5)).extracting(Usage::costNanos).containsOnly(100_000_000L);
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", FULL_KEY,
                CHAT + ",\"max_tokens\":100}"))) {
            JsonNode error = MAPPER.readTree(response.body().string()).path("error");
            assertThat(error.path("code").textValue()).isEqualTo("spend_cap_exceeded");
            assertThat(error.path("message").textValue()).contains("0.50").contains("resets on");
        }
    }

    @Test
    void a_stream_that_asked_for_usage_carries_billing_in_its_usage_chunk() throws Exception {
        price("0", "1000", null);
        topUp("1.00");
        upstream.upstream().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(OpenAiReplies.sseBody("c3", "gpt-4", 1, 5, 100, List.of("a", "b"))).build());

        String events;
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", FULL_KEY,
                CHAT + ",\"max_tokens\":100,\"stream\":true,\"stream_options\":{\"include_usage\":true}}"))) {
            assertThat(response.header("X-Nexus-Balance")).as(response.headers().toString()).isEqualTo("1.00");
            events = response.body().string();
        }

        JsonNode usageChunk = MAPPER.readTree(events.lines().filter(line -> line.contains("\"usage\":{"))
                .findFirst().orElseThrow().substring("data: ".length()));
        assertThat(usageChunk.path("billing").path("cost").textValue()).isEqualTo("0.10");
        assertThat(usageChunk.path("billing").path("balance").textValue()).isEqualTo("0.90");
        assertThat(upstream.onlyRow().costNanos()).isEqualTo(100_000_000L);
    }

    @Test
    void a_key_holder_reads_its_balance_and_the_models_show_their_prices() throws Exception {
        price("2.50", "10", null);
        topUp("20.00");
        proxy.database().dao(ApiKeyDao.class).update(proxy.database().dao(ApiKeyDao.class).findActive(keyId)
                .orElseThrow().withSpendCap(100_000_000_000L, 3L));

        JsonNode balance = get("/v1/balance");
        assertThat(balance.path("balance").textValue()).isEqualTo("20.00");
        assertThat(balance.path("reserved").textValue()).isEqualTo("0.00");
        assertThat(balance.path("month_spend").textValue()).isEqualTo("0.00");
        assertThat(balance.path("monthly_spend_cap_usd").textValue()).isEqualTo("100.00");
        assertThat(balance.path("currency").textValue()).isEqualTo("USD");
        assertThat(get("/api/proxy/balance")).isEqualTo(balance);
        JsonNode pricing = get("/v1/models").path("data").get(0).path("pricing");
        assertThat(pricing.path("input_price").textValue()).isEqualTo("2.50");
        assertThat(pricing.path("output_price").textValue()).isEqualTo("10");
        assertThat(pricing.path("currency").textValue()).isEqualTo("USD");
    }

    private JsonNode get(String path) throws IOException {
        try (Response response = proxy.execute(new okhttp3.Request.Builder().url(proxy.url(path))
                .header("Authorization", "Bearer " + FULL_KEY).build())) {
            assertThat(response.code()).isEqualTo(200);
            return MAPPER.readTree(response.body().string());
        }
    }

    private void answerEveryCallWith(int completionTokens) {
        upstream.upstream().setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "x", 1, completionTokens));
            }
        });
    }

    private List<Integer> concurrently(int calls, String body) throws Exception {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            tasks.add(() -> {
                try (Response response = proxy.execute(proxy.post("/v1/chat/completions", FULL_KEY, body))) {
                    response.body().string();
                    return response.code();
                }
            });
        }
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Integer> status : pool.invokeAll(tasks)) {
                statuses.add(status.get());
            }
        }
        return statuses;
    }

    private void price(String input, String output, String cachedInput) {
        ProviderModelDao models = proxy.database().dao(ProviderModelDao.class);
        long id = models.findByName(upstream.providerId(), "gpt-4").orElseThrow().id();
        models.updatePrices(id, new ModelPrices(new BigDecimal(input), new BigDecimal(output),
                cachedInput == null ? null : new BigDecimal(cachedInput), null, null, null, null));
    }

    private void topUp(String amount) {
        long nanos = new BigDecimal(amount).movePointRight(9).longValueExact();
        proxy.database().inTransaction(handle -> {
            LedgerDao ledger = handle.attach(LedgerDao.class);
            long topup = ledger.insertTopup(keyId, "t-" + amount, nanos, "", 1L);
            ledger.insertTopupEntry(keyId, topup, nanos, "", 1L);
            ApiKeyDao keys = handle.attach(ApiKeyDao.class);
            return keys.update(keys.findActive(keyId).orElseThrow().asMetered(2L));
        });
    }

    private JsonNode send(String body, int status) throws IOException {
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", FULL_KEY, body))) {
            assertThat(response.code()).isEqualTo(status);
            return MAPPER.readTree(response.body().string());
        }
    }

    private List<String> refusal(String key) throws IOException {
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", key, CHAT + "}"))) {
            JsonNode error = MAPPER.readTree(response.body().string()).path("error");
            return List.of(String.valueOf(response.code()), error.path("code").textValue());
        }
    }

    private String message(String key) throws IOException {
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", key, CHAT + "}"))) {
            return MAPPER.readTree(response.body().string()).path("error").path("message").textValue();
        }
    }

    private static ApiKey key(String fullKey, boolean enabled, String models, Long expiresAt, Long capNanos,
                              boolean metered) {
        return new ApiKey(0, "test", KeyHash.of(fullKey), fullKey.substring(0, 10) + "…", enabled, models, null,
                null, expiresAt, metered, capNanos, "", "", null, 1L, 1L);
    }
}
