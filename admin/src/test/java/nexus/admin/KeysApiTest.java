package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import nexus.admin.AdminServer.Failure;
import nexus.shared.db.ApiKey;
import nexus.shared.db.ApiKeyDao;
import nexus.shared.db.Conversation;
import nexus.shared.db.Conversations;
import nexus.shared.secret.KeyHash;

class KeysApiTest {

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest();

    @Test
    void a_created_key_is_answered_once_and_only_its_hash_and_prefix_are_stored() throws IOException {
        JsonNode created = admin.post("/keys", "{\"name\":\"prod-2026\"}").expect(201);
        String fullKey = created.path("full_key").textValue();

        assertThat(fullKey).matches("sk-nx-[A-Za-z0-9_-]{43}");
        JsonNode key = created.path("key");
        assertThat(key.path("name").textValue()).isEqualTo("prod-2026");
        assertThat(key.path("prefix").textValue()).isEqualTo(fullKey.substring(0, 10) + "…");
        assertThat(key.path("rpm").intValue()).isEqualTo(100);
        assertThat(key.path("tpm").isNull()).isTrue();
        assertThat(key.path("balance").isNull()).isTrue();
        assertThat(key.path("currency").textValue()).isEqualTo("USD");
        long id = key.path("id").longValue();

        String listed = admin.get("/keys").body() + admin.get("/keys/" + id).body();
        assertThat(listed).doesNotContain(fullKey).doesNotContain(fullKey.substring(6))
                .doesNotContain(KeyHash.of(fullKey)).contains("prod-2026");
        assertThat(admin.database().dao(ApiKeyDao.class).findActive(id).orElseThrow().keyHash())
                .isEqualTo(KeyHash.of(fullKey));
        assertThat(databaseFiles()).noneMatch(bytes -> bytes.contains(fullKey.substring(6)));
    }

    @Test
    void settings_are_changed_by_patch_and_a_null_limit_switches_it_off() {
        long id = admin.post("/keys", "{\"name\":\"k\",\"rpm\":5,\"tpm\":1000}").expect(201).path("key").path("id")
                .longValue();

        JsonNode changed = admin.send("PATCH", "/keys/" + id, "{\"models\":[\"gpt-4o\",\"fast\",\"gpt-4o\"],"
                + "\"rpm\":null,\"expires_at\":\"2027-01-01T00:00:00+08:00\",\"enabled\":false}").expect(200);

        assertThat(changed.path("models")).extracting(JsonNode::textValue).containsExactly("gpt-4o", "fast");
        assertThat(changed.path("rpm").isNull()).isTrue();
        assertThat(changed.path("tpm").intValue()).isEqualTo(1000);
        assertThat(changed.path("expires_at").textValue()).isEqualTo("2026-12-31T16:00:00Z");
        assertThat(changed.path("enabled").booleanValue()).isFalse();
        assertThat(admin.get("/keys/" + id).expect(200)).isEqualTo(changed);
    }

    @Test
    void a_revoked_key_is_gone_from_the_api_and_rotation_replaces_the_hash() {
        JsonNode created = admin.post("/keys", "{\"name\":\"k\"}").expect(201);
        long id = created.path("key").path("id").longValue();

        JsonNode rotated = admin.post("/keys/" + id + "/rotate", "{}").expect(200);

        String newKey = rotated.path("full_key").textValue();
        assertThat(newKey).startsWith("sk-nx-").isNotEqualTo(created.path("full_key").textValue());
        assertThat(admin.database().dao(ApiKeyDao.class).findActive(id).orElseThrow().keyHash())
                .isEqualTo(KeyHash.of(newKey));
        assertThat(admin.delete("/keys/" + id).status()).isEqualTo(204);
        assertThat(admin.get("/keys/" + id).failure()).isEqualTo(new Failure(404, "invalid_request_error",
                "not_found", "id"));
        assertThat(admin.delete("/keys/" + id).status()).isEqualTo(404);
        assertThat(admin.get("/keys").expect(200)).isEmpty();
    }

    @Test
    void a_key_is_revoked_with_its_conversations_only_when_asked() {
        long kept = newKey();
        long dropped = newKey();
        Conversations conversations = new Conversations(admin.database());
        for (long id : new long[] {kept, dropped}) {
            conversations.create(new Conversation("conv-" + id, ApiKey.owner(id), null, "{}", 0, 0, 1, 1), List.of());
        }

        assertThat(admin.delete("/keys/" + kept).status()).isEqualTo(204);
        assertThat(admin.delete("/keys/" + dropped + "?delete_conversations=true").status()).isEqualTo(204);
        assertThat(admin.delete("/keys/" + newKey() + "?delete_conversations=yes").failure())
                .isEqualTo(Failure.invalid("delete_conversations"));

        assertThat(conversations.listByOwner(ApiKey.owner(kept))).hasSize(1);
        assertThat(conversations.listByOwner(ApiKey.owner(dropped))).isEmpty();
    }

    static Stream<Arguments> invalid_keys() {
        return Stream.of(
                Arguments.of("{}", "name"),
                Arguments.of("{\"name\":\"" + "n".repeat(101) + "\"}", "name"),
                Arguments.of("{\"name\":\" \"}", "name"),
                Arguments.of("{\"name\":\"k\",\"rpm\":0}", "rpm"),
                Arguments.of("{\"name\":\"k\",\"tpm\":\"5\"}", "tpm"),
                Arguments.of("{\"name\":\"k\",\"models\":\"gpt-4o\"}", "models"),
                Arguments.of("{\"name\":\"k\",\"models\":[\"\"]}", "models"),
                Arguments.of("{\"name\":\"k\",\"expires_at\":\"tomorrow\"}", "expires_at"),
                Arguments.of("{\"name\":\"k\",\"monthly_spend_cap_usd\":\"1e400\"}", "monthly_spend_cap_usd"),
                Arguments.of("{\"name\":\"k\",\"monthly_spend_cap_usd\":100}", "monthly_spend_cap_usd"),
                Arguments.of("{\"name\":\"k\",\"monthly_spend_cap_usd\":\"-1\"}", "monthly_spend_cap_usd"),
                Arguments.of("{\"name\":\"k\",\"balance\":\"5\"}", "balance"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid_keys")
    void an_invalid_key_is_refused_naming_the_field_and_nothing_is_stored(String body, String field) {
        assertThat(admin.post("/keys", body).failure()).isEqualTo(Failure.invalid(field));
        assertThat(admin.get("/keys").expect(200)).isEmpty();
    }

    @Test
    void a_top_up_is_added_once_per_idempotency_key_and_makes_the_key_metered() {
        long id = newKey();
        String topup = "{\"amount\":\"20.00\",\"idempotency_key\":\"topup-2026-04-27-001\",\"note\":\"April\"}";

        JsonNode first = admin.post("/keys/" + id + "/topups", topup).expect(201);
        JsonNode again = admin.post("/keys/" + id + "/topups", topup).expect(200);

        assertThat(first.path("balance").textValue()).isEqualTo("20.00");
        assertThat(first.path("topup").path("amount").textValue()).isEqualTo("20.00");
        assertThat(again.path("topup")).isEqualTo(first.path("topup"));
        assertThat(again.path("balance").textValue()).isEqualTo("20.00");
        assertThat(admin.post("/keys/" + id + "/topups", "{\"amount\":\"21.00\",\"idempotency_key\":"
                + "\"topup-2026-04-27-001\"}").failure())
                .isEqualTo(new Failure(409, "invalid_request_error", "conflict", "idempotency_key"));
        JsonNode key = admin.get("/keys/" + id).expect(200);
        assertThat(key.path("metered").booleanValue()).isTrue();
        assertThat(key.path("balance").textValue()).isEqualTo("20.00");
        assertThat(admin.get("/keys/" + id + "/topups").expect(200)).hasSize(1);
    }

    @Test
    void the_same_top_up_sent_twenty_times_at_once_is_added_once() throws Exception {
        long id = newKey();
        List<Callable<Integer>> copies = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            copies.add(() -> admin.post("/keys/" + id + "/topups",
                    "{\"amount\":\"0.10\",\"idempotency_key\":\"retry-storm\"}").status());
        }
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Integer> status : pool.invokeAll(copies)) {
                statuses.add(status.get());
            }
        }

        assertThat(statuses).containsOnly(200, 201).filteredOn(status -> status == 201).hasSize(1);
        assertThat(admin.get("/keys/" + id).expect(200).path("balance").textValue()).isEqualTo("0.10");
    }

    static Stream<Arguments> invalid_topups() {
        return Stream.of(
                Arguments.of("{\"amount\":\"0\",\"idempotency_key\":\"a\"}", "amount"),
                Arguments.of("{\"amount\":\"-5\",\"idempotency_key\":\"a\"}", "amount"),
                Arguments.of("{\"amount\":\"abc\",\"idempotency_key\":\"a\"}", "amount"),
                Arguments.of("{\"amount\":5,\"idempotency_key\":\"a\"}", "amount"),
                Arguments.of("{\"amount\":\"1e400\",\"idempotency_key\":\"a\"}", "amount"),
                Arguments.of("{\"amount\":\"0.0000000001\",\"idempotency_key\":\"a\"}", "amount"),
                Arguments.of("{\"amount\":\"5\"}", "idempotency_key"),
                Arguments.of("{\"amount\":\"5\",\"idempotency_key\":\"a\",\"currency\":\"USD\"}", "currency"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid_topups")
    void an_invalid_top_up_is_refused_naming_the_field_and_adds_nothing(String body, String field) {
        long id = newKey();

        assertThat(admin.post("/keys/" + id + "/topups", body).failure()).isEqualTo(Failure.invalid(field));
        assertThat(admin.get("/keys/" + id + "/topups").expect(200)).isEmpty();
        assertThat(admin.get("/keys/" + id).expect(200).path("metered").booleanValue()).isFalse();
    }

    @Test
    void a_spend_cap_is_set_and_cleared() {
        long id = newKey();

        assertThat(admin.send("PATCH", "/keys/" + id + "/spend-cap", "{\"monthly_spend_cap_usd\":\"100.00\"}")
                .expect(200).path("monthly_spend_cap_usd").textValue()).isEqualTo("100.00");
        assertThat(admin.send("PATCH", "/keys/" + id + "/spend-cap", "{\"monthly_spend_cap_usd\":\"1e400\"}")
                .failure()).isEqualTo(Failure.invalid("monthly_spend_cap_usd"));
        assertThat(admin.send("PATCH", "/keys/" + id + "/spend-cap", "{\"clear\":true}").expect(200)
                .path("monthly_spend_cap_usd").isNull()).isTrue();
    }

    @Test
    void an_alert_webhook_must_be_https_or_loopback_and_its_secret_is_answered_once() {
        long id = newKey();

        assertThat(admin.send("PATCH", "/keys/" + id + "/alert-webhook", "{\"url\":\"http://hooks.example.com/x\"}")
                .failure()).isEqualTo(Failure.invalid("url"));
        assertThat(admin.send("PATCH", "/keys/" + id + "/alert-webhook", "{\"url\":\"https://u:p@example.com/x\"}")
                .failure()).isEqualTo(Failure.invalid("url"));
        JsonNode set = admin.send("PATCH", "/keys/" + id + "/alert-webhook",
                "{\"url\":\"https://hooks.example.com/T0KEN/alerts\"}").expect(200);

        assertThat(set.path("secret").textValue()).startsWith("whsec_");
        String shown = admin.get("/keys/" + id).body();
        assertThat(shown).contains("https://hooks.example.com/…").doesNotContain("T0KEN")
                .doesNotContain(set.path("secret").textValue());
        assertThat(admin.send("PATCH", "/keys/" + id + "/alert-webhook", "{\"url\":\"http://127.0.0.1:9000/hook\"}")
                .expect(200).path("key").path("alert_webhook").textValue()).isEqualTo("http://127.0.0.1:9000/…");
        assertThat(admin.send("PATCH", "/keys/" + id + "/alert-webhook", "{\"clear\":true}").expect(200)
                .path("key").path("alert_webhook").isNull()).isTrue();
    }

    @Test
    void model_prices_are_exact_decimal_strings_and_a_null_clears_one() {
        long providerId = admin.createProvider("OpenAI", "k1");
        JsonNode model = admin.post("/provider_models", "{\"provider_id\":" + providerId + ",\"model_name\":\"gpt-4o\","
                + "\"input_price\":\"2.50\",\"output_price\":\"10.000000000001\",\"request_price\":\"0\"}").expect(201);

        assertThat(model.path("input_price").textValue()).isEqualTo("2.50");
        assertThat(model.path("output_price").textValue()).isEqualTo("10.000000000001");
        assertThat(model.path("cached_input_price").isNull()).isTrue();
        assertThat(model.path("max_output_tokens").intValue()).isEqualTo(4096);
        assertThat(model.path("currency").textValue()).isEqualTo("USD");
        long id = model.path("id").longValue();
        JsonNode changed = admin.put("/provider_models/" + id, "{\"input_price\":null,\"cached_input_price\":\"1.25\"}")
                .expect(200);
        assertThat(changed.path("input_price").isNull()).isTrue();
        assertThat(changed.path("cached_input_price").textValue()).isEqualTo("1.25");
        assertThat(changed.path("output_price").textValue()).isEqualTo("10.000000000001");
        assertThat(admin.get("/provider_models/" + id).expect(200)).isEqualTo(changed);
        for (String bad : List.of("\"-1\"", "\"abc\"", "1.5", "\"1e3\"", "\"1000000001\"")) {
            assertThat(admin.put("/provider_models/" + id, "{\"output_price\":" + bad + "}").failure())
                    .isEqualTo(Failure.invalid("output_price"));
        }
        assertThat(admin.put("/provider_models/" + id, "{\"currency\":\"CNY\"}").failure())
                .isEqualTo(Failure.invalid("currency"));
        assertThat(admin.get("/provider_models/" + id).expect(200)).isEqualTo(changed);
    }

    private long newKey() {
        return admin.post("/keys", "{\"name\":\"k\"}").expect(201).path("key").path("id").longValue();
    }

    /** The database file and its write-ahead log, as text (ASCII parts intact). */
    private List<String> databaseFiles() throws IOException {
        Path db = admin.database().file();
        List<String> contents = new ArrayList<>();
        for (Path file : List.of(db, db.resolveSibling(db.getFileName() + "-wal"))) {
            if (Files.exists(file)) {
                contents.add(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
        return contents;
    }
}
