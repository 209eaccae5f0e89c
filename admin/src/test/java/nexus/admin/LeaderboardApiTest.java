package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.admin.AdminServer.Failure;
import nexus.shared.db.Usage;

class LeaderboardApiTest {

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest();

    long openAi;
    long deepSeek;
    long route;

    @BeforeEach
    void route() {
        openAi = admin.createProvider("OpenAI", "key-a");
        deepSeek = admin.createProvider("DeepSeek", "key-b");
        admin.createModel(openAi, "gpt-4o");
        admin.createModel(deepSeek, "deepseek-chat");
        route = admin.post("/routes", "{\"name\":\"fast\",\"targets\":[{\"provider_id\":" + openAi
                + ",\"model_name\":\"gpt-4o\"},{\"provider_id\":" + deepSeek + ",\"model_name\":\"deepseek-chat\"}]}")
                .expect(201).path("id").longValue();
    }

    @Test
    void a_route_without_traffic_or_feedback_shows_its_targets_at_the_start() {
        JsonNode board = admin.get("/routes/" + route + "/leaderboard").expect(200);

        assertThat(board.path("route").textValue()).isEqualTo("fast");
        assertThat(board.path("k_factor").doubleValue()).isEqualTo(16);
        assertThat(board.path("targets").get(0).toString()).isEqualTo("{\"position\":0,\"provider_id\":" + openAi
                + ",\"provider_name\":\"OpenAI\",\"model_name\":\"gpt-4o\",\"elo\":1000.0,\"requests\":0,"
                + "\"share\":null,\"up\":0,\"down\":0,\"posterior_mean\":0.5,\"interval_low\":0.025,"
                + "\"interval_high\":0.975}");
        assertThat(board.path("targets").get(1).path("position").intValue()).isEqualTo(1);
    }

    @Test
    void feedback_and_last_day_traffic_rank_the_targets() {
        FeedbackRows ratings = new FeedbackRows(admin.database());
        ratings.rate("g1", 1, "fast", deepSeek, "deepseek-chat", "[]", 3);
        ratings.rate("g2", 1, "fast", deepSeek, "deepseek-chat", "[]", 2);
        ratings.rate("g3", -1, "fast", openAi, "gpt-4o", "[]", 1);
        ratings.rate("g4", -1, null, deepSeek, "deepseek-chat", "[]", 1);     // not through the route
        ratings.rate("g5", 1, "fast", deepSeek, "deepseek-v2", "[]", 1);      // a target no longer in the route
        served(openAi, "gpt-4o", "fast", 1);
        served(deepSeek, "deepseek-chat", "fast", 2);
        served(deepSeek, "deepseek-chat", "fast", 3);
        served(deepSeek, "deepseek-chat", "fast", 30);                       // older than a day
        served(deepSeek, "deepseek-chat", null, 1);                          // plain model, not the route

        JsonNode targets = admin.get("/routes/" + route + "/leaderboard").expect(200).path("targets");

        JsonNode best = targets.get(0);
        assertThat(best.path("model_name").textValue()).isEqualTo("deepseek-chat");
        assertThat(best.path("position").intValue()).isEqualTo(1);
        assertThat(List.of(best.path("up").longValue(), best.path("down").longValue(), best.path("requests").longValue()))
                .containsExactly(2L, 0L, 2L);
        assertThat(best.path("share").doubleValue()).isEqualTo(0.6667);
        assertThat(best.path("posterior_mean").doubleValue()).isEqualTo(0.75);
        assertThat(best.path("interval_low").doubleValue()).isEqualTo(0.2924);  // Beta(3, 1): 0.025^(1/3)
        assertThat(best.path("interval_high").doubleValue()).isEqualTo(0.9916);
        double first = 8;                                                    // g1 at equal ratings
        double second = 16 * (1 - 1 / (1 + Math.pow(10, -2 * first / 400)));  // g2 at 1008 against 992
        double third = 16 * (1 - 1 / (1 + Math.pow(10, -2 * (first + second) / 400)));  // g3: gpt-4o loses again
        assertThat(best.path("elo").doubleValue()).isEqualTo(Math.round((1000 + first + second + third) * 10) / 10.0);
        JsonNode worst = targets.get(1);
        assertThat(worst.path("elo").doubleValue()).isEqualTo(Math.round((1000 - first - second - third) * 10) / 10.0);
        assertThat(List.of(worst.path("up").longValue(), worst.path("down").longValue(),
                worst.path("requests").longValue())).containsExactly(0L, 1L, 1L);
        assertThat(worst.path("share").doubleValue()).isEqualTo(0.3333);
    }

    @Test
    void an_unknown_route_is_404() {
        assertThat(admin.get("/routes/999/leaderboard").failure()).isEqualTo(Failure.notFound("id"));
    }

    /** A usage row of a call that named {@code route} (null: a plain model), made {@code hoursAgo} hours ago. */
    private void served(long providerId, String model, String route, int hoursAgo) {
        Usage usage = UsageRow.of(model, 1, 1, 0).provider(providerId, "p")
                .at(AdminServer.NOW.minusSeconds(hoursAgo * 3_600L).toString()).usage();
        admin.database().insertUsage(List.of(usage));
        admin.database().inTransaction(handle -> handle.createUpdate("UPDATE usage SET route = ? WHERE request_id = ?")
                .bind(0, route).bind(1, usage.requestId()).execute());
    }
}
