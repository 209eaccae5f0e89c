package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.admin.AdminServer.Failure;

class FeedbackApiTest {

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest();

    @Test
    void nothing_rated_is_an_empty_list_and_empty_summary() {
        assertThat(admin.get("/feedback").expect(200).toString()).isEqualTo("{\"data\":[]}");
        assertThat(admin.get("/feedback/summary").expect(200).toString())
                .isEqualTo("{\"days\":7,\"by_model\":[],\"by_route\":[],\"by_tag\":[]}");
    }

    @Test
    void ratings_are_listed_newest_first_within_the_window_and_filtered_by_route_and_model() {
        FeedbackRows rows = new FeedbackRows(admin.database());
        rows.rate("gen-old", 1, "fast", 1, "gpt-4o", "[]", 24 * 8);
        rows.rate("gen-1", 1, "fast", 1, "gpt-4o", "[\"helpful\"]", 5);
        rows.rate("gen-2", -1, "fast", 2, "deepseek-chat", "[]", 2);
        rows.rate("gen-3", -1, null, 1, "gpt-4o", "[]", 1);

        JsonNode data = admin.get("/feedback").expect(200).path("data");

        assertThat(data).extracting(row -> row.path("generation_id").textValue())
                .containsExactly("gen-3", "gen-2", "gen-1");
        assertThat(data.get(2).toString()).isEqualTo("{\"generation_id\":\"gen-1\",\"rating\":1,\"comment\":null,"
                + "\"tags\":[\"helpful\"],\"route\":\"fast\",\"provider_id\":1,\"model\":\"gpt-4o\",\"owner\":\"key:1\","
                + "\"created_at\":\"2026-11-21T17:43:17Z\",\"updated_at\":\"2026-11-21T17:43:17Z\"}");
        assertThat(admin.get("/feedback?route=fast&model=gpt-4o").expect(200).path("data"))
                .extracting(row -> row.path("generation_id").textValue()).containsExactly("gen-1");
        assertThat(admin.get("/feedback?days=9&limit=2").expect(200).path("data"))
                .extracting(row -> row.path("generation_id").textValue()).containsExactly("gen-3", "gen-2");
        assertThat(admin.get("/feedback?days=9").expect(200).path("data")).hasSize(4);
    }

    @Test
    void the_summary_counts_up_and_down_by_model_route_and_tag_with_a_ratio_of_four_decimals() {
        FeedbackRows rows = new FeedbackRows(admin.database());
        rows.rate("g1", 1, "fast", 1, "gpt-4o", "[\"helpful\",\"fast\"]", 1);
        rows.rate("g2", 1, "fast", 1, "gpt-4o", "[\"helpful\"]", 2);
        rows.rate("g3", -1, "fast", 1, "gpt-4o", "[\"wrong\",\"wrong\"]", 3);
        rows.rate("g4", -1, null, 2, "deepseek-chat", "[]", 4);
        rows.rate("g5", -1, "fast", 2, "deepseek-chat", "[\"helpful\"]", 24 * 30);

        String summary = admin.get("/feedback/summary?days=7").body();  // as sent: the ratio keeps its 4 decimals

        assertThat(summary).contains("\"by_model\":[{\"model\":\"deepseek-chat\",\"up\":0,\"down\":1,"
                + "\"ratio\":0.0000},{\"model\":\"gpt-4o\",\"up\":2,\"down\":1,\"ratio\":0.6667}]");
        assertThat(summary).contains("\"by_route\":[{\"route\":\"fast\",\"up\":2,\"down\":1,\"ratio\":0.6667}]");
        assertThat(summary).contains("\"by_tag\":[{\"tag\":\"helpful\",\"up\":2,\"down\":0,"
                + "\"ratio\":1.0000},{\"tag\":\"fast\",\"up\":1,\"down\":0,\"ratio\":1.0000},"
                + "{\"tag\":\"wrong\",\"up\":0,\"down\":1,\"ratio\":0.0000}]");
        assertThat(admin.get("/feedback/summary?days=31").expect(200).path("by_tag").get(0).path("down").longValue())
                .isEqualTo(1);
    }

    @Test
    void days_and_limit_out_of_range_are_a_400_naming_them() {
        assertThat(admin.get("/feedback?days=0").failure()).isEqualTo(Failure.invalid("days"));
        assertThat(admin.get("/feedback?days=366").failure()).isEqualTo(Failure.invalid("days"));
        assertThat(admin.get("/feedback?limit=x").failure()).isEqualTo(Failure.invalid("limit"));
        assertThat(admin.get("/feedback/summary?days=-1").failure()).isEqualTo(Failure.invalid("days"));
    }
}
