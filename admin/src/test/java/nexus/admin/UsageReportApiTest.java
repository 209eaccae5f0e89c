package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import nexus.admin.AdminServer.Failure;
import nexus.admin.AdminServer.Reply;
import nexus.shared.db.ApiKey;
import nexus.shared.db.ApiKeyDao;

/** GET /stats/usage and GET /keys/{id}/usage: usage and cost over the last UTC days, grouped, as JSON or CSV. */
class UsageReportApiTest {

    /** A third of a cent in nano-units: three of them sum to 0.009999999, exactly. */
    private static final long THIRD_OF_A_CENT = 3_333_333;

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest();  // today is 2026-11-21 (UTC) on its clock

    @Test
    void the_last_days_are_whole_utc_days_and_every_day_has_a_line() {
        seed(UsageRow.of("gpt-4", 1, 2, 10).at("2026-11-18T23:59:59.999Z"),  // before the 3 days
                UsageRow.of("gpt-4", 10, 20, THIRD_OF_A_CENT).at("2026-11-19T00:00:00.000Z"),
                UsageRow.of("gpt-4", 10, 20, THIRD_OF_A_CENT).at("2026-11-21T00:00:00.000Z"),
                UsageRow.of("gpt-4o", 100, 200, THIRD_OF_A_CENT).at("2026-11-21T23:59:59.999Z"),
                UsageRow.of("gpt-4", 1000, 0, 1).at("2026-11-22T00:00:00.000Z"));  // after today

        JsonNode body = admin.get("/stats/usage?days=3&group_by=day").expect(200);

        assertThat(body.toString()).isEqualTo("{\"days\":3,\"group_by\":\"day\",\"from\":\"2026-11-19\","
                + "\"to\":\"2026-11-21\",\"currency\":\"USD\",\"totals\":{\"requests\":3,\"prompt_tokens\":120,"
                + "\"completion_tokens\":240,\"total_tokens\":360,\"cost\":\"0.009999999\"},\"groups\":["
                + "{\"day\":\"2026-11-19\",\"requests\":1,\"prompt_tokens\":10,\"completion_tokens\":20,"
                + "\"total_tokens\":30,\"cost\":\"0.003333333\"},"
                + "{\"day\":\"2026-11-20\",\"requests\":0,\"prompt_tokens\":0,\"completion_tokens\":0,"
                + "\"total_tokens\":0,\"cost\":\"0.00\"},"
                + "{\"day\":\"2026-11-21\",\"requests\":2,\"prompt_tokens\":110,\"completion_tokens\":220,"
                + "\"total_tokens\":330,\"cost\":\"0.006666666\"}]}");
    }

    @Test
    void thirty_days_by_day_are_the_defaults() {
        seed(UsageRow.of("gpt-4", 1, 1, 1).at("2026-10-23T00:00:00Z"),
                UsageRow.of("gpt-4", 1, 1, 1).at("2026-10-22T23:59:59.999Z"));

        JsonNode body = admin.get("/stats/usage").expect(200);

        assertThat(body.path("days").asInt()).isEqualTo(30);
        assertThat(body.path("group_by").asText()).isEqualTo("day");
        assertThat(body.path("from").asText()).isEqualTo("2026-10-23");
        assertThat(body.path("groups")).hasSize(30);
        assertThat(body.path("groups").get(0).path("requests").asLong()).isEqualTo(1);
        assertThat(body.path("totals").path("cost").asText()).isEqualTo("0.000000001");
    }

    @Test
    void by_model_each_model_is_summed() {
        seed(UsageRow.of("gpt-4", 1, 1, THIRD_OF_A_CENT), UsageRow.of("gpt-4", 1, 1, THIRD_OF_A_CENT),
                UsageRow.of("deepseek-chat", 5, 5, THIRD_OF_A_CENT),
                UsageRow.of("gpt-4", 1, 1, 1).at("2026-11-20T23:59:59.999Z"));

        JsonNode body = admin.get("/stats/usage?days=1&group_by=model").expect(200);

        assertThat(body.path("groups").toString()).isEqualTo("[{\"model\":\"deepseek-chat\",\"requests\":1,"
                + "\"prompt_tokens\":5,\"completion_tokens\":5,\"total_tokens\":10,\"cost\":\"0.003333333\"},"
                + "{\"model\":\"gpt-4\",\"requests\":2,\"prompt_tokens\":2,\"completion_tokens\":2,"
                + "\"total_tokens\":4,\"cost\":\"0.006666666\"}]");
        assertThat(body.path("totals").path("cost").asText()).isEqualTo("0.009999999");
    }

    @Test
    void by_provider_each_provider_is_named_as_it_is_now() {
        long openAi = admin.createProvider("OpenAI", "k1");
        long deepSeek = admin.createProvider("DeepSeek", "k2");
        admin.put("/providers/" + openAi, "{\"name\":\"OpenAI (work)\"}").expect(200);
        seed(UsageRow.of("gpt-4", 1, 1, THIRD_OF_A_CENT).provider(openAi, "OpenAI"),
                UsageRow.of("deepseek-chat", 2, 2, 20_000_000_000L).provider(deepSeek, "DeepSeek"));

        JsonNode body = admin.get("/stats/usage?group_by=provider").expect(200);

        assertThat(body.path("groups").toString()).isEqualTo("[{\"provider_id\":" + openAi
                + ",\"provider_name\":\"OpenAI (work)\",\"requests\":1,\"prompt_tokens\":1,\"completion_tokens\":1,"
                + "\"total_tokens\":2,\"cost\":\"0.003333333\"},{\"provider_id\":" + deepSeek
                + ",\"provider_name\":\"DeepSeek\",\"requests\":1,\"prompt_tokens\":2,\"completion_tokens\":2,"
                + "\"total_tokens\":4,\"cost\":\"20.00\"}]");
    }

    @Test
    void by_key_personalized_keys_are_one_line_and_each_issued_key_is_named() {
        long prod = issueKey("prod");
        long revoked = issueKey("old laptop");
        admin.database().dao(ApiKeyDao.class).revoke(revoked, AdminServer.NOW.toEpochMilli());
        seed(UsageRow.of("gpt-4", 1, 1, THIRD_OF_A_CENT).key(prod),
                UsageRow.of("gpt-4", 1, 1, THIRD_OF_A_CENT).key(prod),
                UsageRow.of("gpt-4", 3, 3, 7),
                UsageRow.of("gpt-4", 4, 4, 8).key(revoked));

        JsonNode body = admin.get("/stats/usage?group_by=key").expect(200);

        assertThat(body.path("groups").toString()).isEqualTo("[{\"key_id\":null,\"key_name\":\"personalized keys\","
                + "\"requests\":1,\"prompt_tokens\":3,\"completion_tokens\":3,\"total_tokens\":6,"
                + "\"cost\":\"0.000000007\"},"
                + "{\"key_id\":" + prod + ",\"key_name\":\"prod\",\"requests\":2,\"prompt_tokens\":2,"
                + "\"completion_tokens\":2,\"total_tokens\":4,\"cost\":\"0.006666666\"},"
                + "{\"key_id\":" + revoked + ",\"key_name\":\"old laptop\",\"requests\":1,\"prompt_tokens\":4,"
                + "\"completion_tokens\":4,\"total_tokens\":8,\"cost\":\"0.000000008\"}]");
    }

    @Test
    void by_route_each_route_counts_its_fallbacks_failures_and_attempts_past_an_open_circuit() {
        seed(UsageRow.of("gpt-4", 1, 1, THIRD_OF_A_CENT),
                UsageRow.of("gpt-4", 0, 0, 0).attempt(null, 1, 503),  // a plain model's fallback: failed, then ...
                UsageRow.of("gpt-4", 2, 2, THIRD_OF_A_CENT).attempt(null, 2, 200),  // ... answered by the next
                UsageRow.of("small", 0, 0, 0).attempt("fast", 1, 503),
                UsageRow.of("big", 3, 3, THIRD_OF_A_CENT).attempt("fast", 2, 200),
                UsageRow.of("small", 4, 4, 8).attempt("fast", 1, 200).pastOpenCircuit(),
                UsageRow.of("small", 0, 0, 0).attempt("balanced", 1, 429),
                UsageRow.of("big", 0, 0, 0).attempt("balanced", 2, 500),
                UsageRow.of("small", 5, 5, 9).attempt("balanced", 3, 200),
                UsageRow.of("big", 9, 9, 9).attempt("fast", 2, 200).at("2026-11-20T23:59:59.999Z"));

        JsonNode body = admin.get("/stats/usage?days=1&group_by=route").expect(200);

        assertThat(body.path("group_by").asText()).isEqualTo("route");
        assertThat(body.path("groups").toString()).isEqualTo("[{\"route\":null,\"requests\":3,\"prompt_tokens\":3,"
                + "\"completion_tokens\":3,\"total_tokens\":6,\"cost\":\"0.006666666\",\"fallbacks\":1,\"failed\":1,"
                + "\"past_open_circuit\":0},"
                + "{\"route\":\"balanced\",\"requests\":3,\"prompt_tokens\":5,\"completion_tokens\":5,"
                + "\"total_tokens\":10,\"cost\":\"0.000000009\",\"fallbacks\":2,\"failed\":2,\"past_open_circuit\":0},"
                + "{\"route\":\"fast\",\"requests\":3,\"prompt_tokens\":7,\"completion_tokens\":7,"
                + "\"total_tokens\":14,\"cost\":\"0.003333341\",\"fallbacks\":1,\"failed\":1,"
                + "\"past_open_circuit\":1}]");
        assertThat(body.path("totals").toString()).isEqualTo("{\"requests\":9,\"prompt_tokens\":15,"
                + "\"completion_tokens\":15,\"total_tokens\":30,\"cost\":\"0.010000016\"}");
    }

    @Test
    void csv_by_route_has_the_failover_counts_and_an_empty_route_for_plain_models() {
        seed(UsageRow.of("gpt-4", 1, 2, 3), UsageRow.of("small", 0, 0, 0).attempt("fast, cheap", 1, 503),
                UsageRow.of("big", 3, 4, 5).attempt("fast, cheap", 2, 200).pastOpenCircuit());

        Reply reply = admin.send("GET", "/stats/usage?group_by=route", null, "Accept", "text/csv");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("route,requests,prompt_tokens,completion_tokens,total_tokens,cost,"
                + "fallbacks,failed,past_open_circuit,currency\r\n"
                + ",1,1,2,3,0.000000003,0,0,0,USD\r\n"
                + "\"fast, cheap\",2,3,4,7,0.000000005,1,1,1,USD\r\n");
    }

    @Test
    void a_bad_grouping_is_a_400_naming_every_grouping() {
        Reply reply = admin.get("/stats/usage?group_by=routes");

        assertThat(reply.failure()).isEqualTo(Failure.invalid("group_by"));
        assertThat(reply.message()).isEqualTo("'group_by' must be one of day, model, provider, key, route.");
    }

    @Test
    void csv_has_a_header_and_quotes_a_name_with_a_comma_and_a_quote() {
        long key = issueKey("Team \"A\", prod");
        seed(UsageRow.of("gpt-4", 1, 2, THIRD_OF_A_CENT).key(key), UsageRow.of("gpt-4", 3, 4, 5));

        Reply reply = admin.send("GET", "/stats/usage?days=7&group_by=key", null, "Accept", "text/csv");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).isEqualTo("text/csv; charset=utf-8");
        assertThat(reply.body()).isEqualTo(
                "key_id,key_name,requests,prompt_tokens,completion_tokens,total_tokens,cost,currency\r\n"
                + ",personalized keys,1,3,4,7,0.000000005,USD\r\n"
                + key + ",\"Team \"\"A\"\", prod\",1,1,2,3,0.003333333,USD\r\n");
    }

    @Test
    void csv_by_day_has_a_row_for_every_day() {
        seed(UsageRow.of("gpt-4", 1, 2, 20_000_000_000L));

        Reply reply = admin.send("GET", "/stats/usage?days=2", null, "Accept", "text/csv, application/json;q=0.5");

        assertThat(reply.body()).isEqualTo("day,requests,prompt_tokens,completion_tokens,total_tokens,cost,currency\r\n"
                + "2026-11-20,0,0,0,0,0.00,USD\r\n"
                + "2026-11-21,1,1,2,3,20.00,USD\r\n");
    }

    @ParameterizedTest
    @CsvSource({"days=0,days", "days=367,days", "days=abc,days", "days=,days", "days=1.5,days",
            "group_by=week,group_by", "group_by=,group_by", "group_by=DAY,group_by"})
    void a_bad_parameter_is_a_400_naming_it(String query, String param) {
        Reply reply = admin.get("/stats/usage?" + query);

        assertThat(reply.failure()).isEqualTo(Failure.invalid(param));
    }

    @Test
    void a_bad_parameter_is_answered_as_json_even_to_a_csv_client() {
        Reply reply = admin.send("GET", "/stats/usage?days=0", null, "Accept", "text/csv");

        assertThat(reply.failure()).isEqualTo(Failure.invalid("days"));
    }

    @Test
    void a_keys_usage_is_its_own_rows_by_day_and_by_model() {
        long key = issueKey("prod");
        long other = issueKey("other");
        seed(UsageRow.of("gpt-4", 1, 1, THIRD_OF_A_CENT).key(key).at("2026-11-20T12:00:00Z"),
                UsageRow.of("gpt-4", 1, 1, THIRD_OF_A_CENT).key(key),
                UsageRow.of("gpt-4o", 2, 2, THIRD_OF_A_CENT).key(key),
                UsageRow.of("gpt-4", 1, 1, THIRD_OF_A_CENT).key(key).at("2026-11-19T23:59:59.999Z"),
                UsageRow.of("gpt-4", 50, 50, 50).key(other),
                UsageRow.of("gpt-4", 60, 60, 60));

        JsonNode body = admin.get("/keys/" + key + "/usage?days=2").expect(200);

        assertThat(body.toString()).isEqualTo("{\"key_id\":" + key + ",\"key_name\":\"prod\",\"days\":2,"
                + "\"from\":\"2026-11-20\",\"to\":\"2026-11-21\",\"currency\":\"USD\",\"totals\":{\"requests\":3,"
                + "\"prompt_tokens\":4,\"completion_tokens\":4,\"total_tokens\":8,\"cost\":\"0.009999999\"},"
                + "\"by_day\":[{\"day\":\"2026-11-20\",\"requests\":1,\"prompt_tokens\":1,\"completion_tokens\":1,"
                + "\"total_tokens\":2,\"cost\":\"0.003333333\"},{\"day\":\"2026-11-21\",\"requests\":2,"
                + "\"prompt_tokens\":3,\"completion_tokens\":3,\"total_tokens\":6,\"cost\":\"0.006666666\"}],"
                + "\"by_model\":[{\"model\":\"gpt-4\",\"requests\":2,\"prompt_tokens\":2,\"completion_tokens\":2,"
                + "\"total_tokens\":4,\"cost\":\"0.006666666\"},{\"model\":\"gpt-4o\",\"requests\":1,"
                + "\"prompt_tokens\":2,\"completion_tokens\":2,\"total_tokens\":4,\"cost\":\"0.003333333\"}]}");
    }

    @Test
    void a_keys_usage_is_thirty_days_by_default() {
        long key = issueKey("prod");

        JsonNode body = admin.get("/keys/" + key + "/usage").expect(200);

        assertThat(body.path("days").asInt()).isEqualTo(30);
        assertThat(body.path("by_day")).hasSize(30);
        assertThat(body.path("totals").path("cost").asText()).isEqualTo("0.00");
    }

    @Test
    void an_unknown_or_revoked_key_has_no_usage_to_show() {
        long revoked = issueKey("gone");
        admin.database().dao(ApiKeyDao.class).revoke(revoked, AdminServer.NOW.toEpochMilli());

        assertThat(admin.get("/keys/999/usage").failure()).isEqualTo(Failure.notFound("id"));
        assertThat(admin.get("/keys/" + revoked + "/usage").failure()).isEqualTo(Failure.notFound("id"));
        assertThat(admin.get("/keys/abc/usage").failure()).isEqualTo(Failure.invalid("id"));
        assertThat(admin.get("/keys/" + revoked + "/usage?days=400").failure()).isEqualTo(Failure.invalid("days"));
    }

    private long issueKey(String name) {
        long now = AdminServer.NOW.toEpochMilli();
        return admin.database().dao(ApiKeyDao.class).insert(new ApiKey(0, name, "hash-" + name, "sk-nx-" + name.length(),
                true, "", 100, null, null, false, null, "", "", null, now, now));
    }

    private void seed(UsageRow... rows) {
        admin.database().insertUsage(Stream.of(rows).map(UsageRow::usage).toList());
    }
}
