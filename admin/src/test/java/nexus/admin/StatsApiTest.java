package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import nexus.admin.AdminServer.Failure;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

class StatsApiTest {

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest();

    /** A third of a cent in nano-units: three of them sum to 0.009999999, exactly. */
    private static final long THIRD_OF_A_CENT = 3_333_333;

    @Test
    void totals_are_zero_and_lists_empty_before_any_request() {
        JsonNode body = admin.get("/stats/total").expect(200);

        assertThat(body.toString()).isEqualTo("{\"total_requests\":0,\"prompt_tokens\":0,\"completion_tokens\":0,"
                + "\"total_tokens\":0,\"cost\":\"0.00\",\"currency\":\"USD\",\"by_provider\":[],\"by_model\":[]}");
    }

    @Test
    void totals_are_summed_overall_by_provider_and_by_model() {
        long openAi = admin.createProvider("OpenAI", "k1");
        long deepSeek = admin.createProvider("DeepSeek", "k1");
        seed(row(openAi, "OpenAI", "gpt-4", "c1", 10, 5),
                row(openAi, "OpenAI", "gpt-4o", "c1", 1, 2),
                row(deepSeek, "DeepSeek", "deepseek-chat", "c2", 100, 50));

        JsonNode body = admin.get("/stats/total").expect(200);

        assertThat(body.path("total_requests").asLong()).isEqualTo(3);
        assertThat(body.path("prompt_tokens").asLong()).isEqualTo(111);
        assertThat(body.path("completion_tokens").asLong()).isEqualTo(57);
        assertThat(body.path("total_tokens").asLong()).isEqualTo(168);
        assertThat(body.path("by_provider").get(0).toString()).isEqualTo("{\"provider_id\":" + openAi
                + ",\"provider_name\":\"OpenAI\",\"requests\":2,\"prompt_tokens\":11,\"completion_tokens\":7,"
                + "\"total_tokens\":18,\"cost\":\"0.00\"}");
        assertThat(body.path("by_provider").get(1).path("provider_name").asText()).isEqualTo("DeepSeek");
        assertThat(body.path("by_model")).extracting(node -> node.path("model").asText())
                .containsExactly("deepseek-chat", "gpt-4", "gpt-4o");
        assertThat(body.path("by_model").get(1).toString()).isEqualTo("{\"model\":\"gpt-4\",\"requests\":1,"
                + "\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15,\"cost\":\"0.00\"}");
    }

    @Test
    void a_deleted_provider_keeps_its_recorded_name_in_the_totals() {
        long id = admin.createProvider("Gone soon", "k1");
        seed(row(id, "Gone soon", "gpt-4", "c1", 1, 1));
        admin.delete("/providers/" + id);

        JsonNode body = admin.get("/stats/total").expect(200);

        assertThat(body.path("by_provider").get(0).path("provider_name").asText()).isEqualTo("Gone soon");
    }

    @Test
    void a_conversation_is_summed_by_model() {
        seed(row(1, "OpenAI", "gpt-4", "conv-1", 10, 5),
                row(1, "OpenAI", "gpt-4", "conv-1", 20, 10),
                row(1, "OpenAI", "gpt-4o", "conv-1", 1, 1),
                row(1, "OpenAI", "gpt-4", "conv-2", 1000, 1000));

        JsonNode body = admin.get("/stats/conversation/conv-1").expect(200);

        assertThat(body.toString()).isEqualTo("{\"conversation_id\":\"conv-1\",\"total_requests\":3,"
                + "\"prompt_tokens\":31,\"completion_tokens\":16,\"total_tokens\":47,\"cost\":\"0.00\","
                + "\"currency\":\"USD\",\"by_model\":["
                + "{\"model\":\"gpt-4\",\"requests\":2,\"prompt_tokens\":30,\"completion_tokens\":15,"
                + "\"total_tokens\":45,\"cost\":\"0.00\"},"
                + "{\"model\":\"gpt-4o\",\"requests\":1,\"prompt_tokens\":1,\"completion_tokens\":1,"
                + "\"total_tokens\":2,\"cost\":\"0.00\"}]}");
    }

    @Test
    void a_conversation_id_with_encoded_characters_is_found() {
        seed(row(1, "OpenAI", "gpt-4", "my conversation", 1, 1));

        JsonNode body = admin.get("/stats/conversation/my%20conversation").expect(200);

        assertThat(body.path("conversation_id").asText()).isEqualTo("my conversation");
    }

    @Test
    void a_conversation_never_seen_is_not_found() {
        seed(row(1, "OpenAI", "gpt-4", "conv-1", 1, 1));

        AdminServer.Reply reply = admin.get("/stats/conversation/conv-unknown");

        assertThat(reply.failure()).isEqualTo(Failure.notFound("conversation_id"));
        assertThat(reply.message()).contains("conv-unknown");
    }

    @Test
    void costs_are_summed_exactly_overall_by_provider_and_by_model() {
        long openAi = admin.createProvider("OpenAI", "k1");
        long deepSeek = admin.createProvider("DeepSeek", "k1");
        seedRows(UsageRow.of("gpt-4", 1, 1, THIRD_OF_A_CENT).provider(openAi, "OpenAI"),
                UsageRow.of("gpt-4", 1, 1, THIRD_OF_A_CENT).provider(openAi, "OpenAI"),
                UsageRow.of("deepseek-chat", 1, 1, THIRD_OF_A_CENT).provider(deepSeek, "DeepSeek"),
                UsageRow.of("deepseek-chat", 1, 1, 20_000_000_000L).provider(deepSeek, "DeepSeek"));

        JsonNode body = admin.get("/stats/total").expect(200);

        assertThat(body.path("cost").textValue()).isEqualTo("20.009999999");
        assertThat(body.path("currency").textValue()).isEqualTo("USD");
        assertThat(body.path("by_provider")).extracting(node -> node.path("cost").textValue())
                .containsExactly("0.006666666", "20.003333333");
        assertThat(body.path("by_model")).extracting(node -> node.path("model").textValue() + " "
                + node.path("cost").textValue()).containsExactly("deepseek-chat 20.003333333", "gpt-4 0.006666666");
    }

    @Test
    void a_conversations_cost_is_summed_exactly_in_the_instances_currency(@TempDir Path dir) {
        try (AdminServer yuan = AdminServer.start(NexusConfig.forTests(dir).withCurrency("CNY"))) {
            yuan.database().insertUsage(List.of(UsageRow.of("gpt-4", 1, 1, THIRD_OF_A_CENT).conversation("conv-1").usage(),
                    UsageRow.of("gpt-4", 1, 1, THIRD_OF_A_CENT).conversation("conv-1").usage(),
                    UsageRow.of("gpt-4o", 1, 1, THIRD_OF_A_CENT).conversation("conv-1").usage(),
                    UsageRow.of("gpt-4", 1, 1, 5_000_000_000L).conversation("conv-2").usage()));

            JsonNode body = yuan.get("/stats/conversation/conv-1").expect(200);

            assertThat(body.path("cost").textValue()).isEqualTo("0.009999999");
            assertThat(body.path("currency").textValue()).isEqualTo("CNY");
            assertThat(body.path("by_model")).extracting(node -> node.path("cost").textValue())
                    .containsExactly("0.006666666", "0.003333333");
            assertThat(yuan.get("/stats/total").expect(200).path("currency").textValue()).isEqualTo("CNY");
        }
    }

    private void seedRows(UsageRow... rows) {
        admin.database().insertUsage(Stream.of(rows).map(UsageRow::usage).toList());
    }

    private void seed(Usage... rows) {
        admin.database().insertUsage(List.of(rows));
    }

    private static Usage row(long providerId, String providerName, String model, String conversationId,
                             long promptTokens, long completionTokens) {
        return new Usage(0, "req-" + conversationId + "-" + promptTokens, "k1", providerId, providerName, model,
                conversationId, "chat.completions", false, promptTokens, completionTokens,
                promptTokens + completionTokens, UsageSource.REPORTED, 200, false, null, 12, null, 1L, 0, 0, 0, null, 0, false);
    }
}
