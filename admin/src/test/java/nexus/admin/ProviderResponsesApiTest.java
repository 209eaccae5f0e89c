package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.admin.AdminServer.Failure;
import nexus.shared.db.Provider;
import nexus.shared.db.ResponsesMode;

/** The provider setting {@code responses}: how its server serves OpenAI's Responses API (auto, native, translate). */
class ProviderResponsesApiTest {

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest();

    @Test
    void a_provider_is_auto_unless_told_and_auto_means_native_only_at_api_openai_com() {
        long openAi = admin.post("/providers", "{\"name\":\"OpenAI\",\"server_url\":\"https://api.openai.com/v1\","
                + "\"personalized_key\":\"k1\"}").expect(201).path("id").asLong();
        admin.post("/providers", "{\"name\":\"vLLM\",\"server_url\":\"http://127.0.0.1:8001/v1\","
                + "\"personalized_key\":\"k1\"}").expect(201);

        assertThat(admin.get("/providers/" + openAi).expect(200).path("responses").asText()).isEqualTo("auto");
        assertThat(admin.providerRows()).extracting(Provider::responses).containsOnly(ResponsesMode.AUTO);
        assertThat(admin.providerRows()).extracting(Provider::speaksResponsesApi).containsExactly(true, false);
    }

    @Test
    void an_openai_compatible_server_can_be_told_it_speaks_the_responses_api_and_a_put_keeps_it() {
        long id = admin.post("/providers", "{\"name\":\"Azure\",\"server_url\":\"https://example.openai.azure.com/v1\","
                + "\"personalized_key\":\"k1\",\"responses\":\"native\"}").expect(201).path("id").asLong();

        admin.put("/providers/" + id, "{\"description\":\"renamed\"}").expect(200);

        assertThat(admin.get("/providers/" + id).expect(200).path("responses").asText()).isEqualTo("native");
        assertThat(admin.providerRows()).singleElement().returns(true, Provider::speaksResponsesApi);
        admin.put("/providers/" + id, "{\"responses\":\"translate\"}").expect(200);
        assertThat(admin.providerRows()).singleElement().returns(false, Provider::speaksResponsesApi);
    }

    @Test
    void native_is_refused_for_kinds_whose_servers_cannot_speak_it_and_unknown_values_are_refused() {
        AdminServer.Reply anthropic = admin.post("/providers", "{\"name\":\"Claude\",\"kind\":\"anthropic\","
                + "\"server_url\":\"https://api.anthropic.com/v1\",\"personalized_key\":\"k1\",\"responses\":\"native\"}");
        AdminServer.Reply unknown = admin.post("/providers", "{\"name\":\"X\",\"server_url\":\"https://x.ai/v1\","
                + "\"personalized_key\":\"k1\",\"responses\":\"yes\"}");

        assertThat(anthropic.failure()).isEqualTo(Failure.invalid("responses"));
        assertThat(unknown.failure()).isEqualTo(Failure.invalid("responses"));
        assertThat(unknown.message()).contains("auto, native, translate");
        assertThat(admin.providerRows()).isEmpty();
    }
}
