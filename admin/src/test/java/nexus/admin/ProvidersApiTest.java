package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import nexus.shared.db.Provider;
import nexus.shared.db.ProviderKind;

class ProvidersApiTest {

    private static final String SEED_EXAMPLE = "{\"name\":\"OpenAI\",\"server_url\":\"https://api.openai.com/v1\","
            + "\"server_key\":\"sk-proj-abcdef123456\",\"personalized_key\":\"your-custom-key\","
            + "\"description\":\"OpenAI\"}";

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest();

    @Test
    void the_seed_readme_example_creates_a_provider_answered_whole_with_its_key_masked() {
        AdminServer.Reply reply = admin.post("/providers", SEED_EXAMPLE);

        assertThat(reply.contentType()).startsWith("application/json");
        JsonNode body = reply.expect(201);
        assertThat(body.path("id").asLong()).isPositive();
        assertThat(body.path("name").asText()).isEqualTo("OpenAI");
        assertThat(body.path("kind").asText()).isEqualTo("openai");
        assertThat(body.path("server_url").asText()).isEqualTo("https://api.openai.com/v1");
        assertThat(body.path("server_key").asText()).isEqualTo("sk-…3456");
        assertThat(body.path("personalized_key").asText()).isEqualTo("your-custom-key");
        assertThat(body.path("description").asText()).isEqualTo("OpenAI");
        assertThat(body.path("enabled").asBoolean()).isTrue();
        assertThat(body.path("created_at").asText()).isEqualTo("2026-11-21T22:43:17Z");
        assertThat(admin.providerRows()).singleElement()
                .returns("sk-proj-abcdef123456", Provider::serverKey)
                .returns(AdminServer.NOW.toEpochMilli(), Provider::createdAtMillis);
    }

    @Test
    void left_out_fields_take_their_defaults_and_a_trailing_slash_is_stripped() {
        JsonNode body = admin.post("/providers", "{\"name\":\" Local \",\"server_url\":\"http://localhost:11434/v1/\","
                + "\"personalized_key\":\"k1\"}").expect(201);

        assertThat(body.path("name").asText()).isEqualTo("Local");
        assertThat(body.path("kind").asText()).isEqualTo("openai");
        assertThat(body.path("server_url").asText()).isEqualTo("http://localhost:11434/v1");
        assertThat(body.path("server_key").asText()).isEmpty();
        assertThat(body.path("description").asText()).isEmpty();
        assertThat(body.path("enabled").asBoolean()).isTrue();
    }

    @Test
    void a_mock_provider_needs_no_server_url_and_accepts_its_settings_in_one() {
        admin.post("/providers", "{\"name\":\"Mock\",\"kind\":\"mock\",\"personalized_key\":\"k1\"}").expect(201);
        JsonNode tuned = admin.post("/providers", "{\"name\":\"Slow mock\",\"kind\":\"mock\","
                + "\"personalized_key\":\"k1\","
                + "\"server_url\":\"mock://local?chunks=3&delay_ms=0\",\"enabled\":false}").expect(201);

        assertThat(tuned.path("server_url").asText()).isEqualTo("mock://local?chunks=3&delay_ms=0");
        assertThat(tuned.path("enabled").asBoolean()).isFalse();
        assertThat(admin.providerRows()).extracting(Provider::kind)
                .containsExactly(ProviderKind.MOCK, ProviderKind.MOCK);
    }

    @Test
    void an_anthropic_provider_is_created_with_its_api_base_and_proxy_and_read_back_as_that_kind() {
        JsonNode body = admin.post("/providers", "{\"name\":\"Anthropic\",\"kind\":\"anthropic\","
                + "\"server_url\":\"https://api.anthropic.com/v1/\",\"server_key\":\"sk-ant-api03-secret-7890\","
                + "\"personalized_key\":\"k1\",\"http_proxy\":\"http://proxy.local:3128\"}").expect(201);

        assertThat(body.path("kind").asText()).isEqualTo("anthropic");
        assertThat(body.path("server_url").asText()).isEqualTo("https://api.anthropic.com/v1");
        assertThat(body.path("http_proxy").asText()).isEqualTo("http://proxy.local:3128");
        assertThat(body.path("server_key").asText()).isEqualTo("sk-…7890");
        assertThat(admin.get("/providers/" + body.path("id").asLong()).expect(200)).isEqualTo(body);
        assertThat(admin.providerRows()).singleElement()
                .returns(ProviderKind.ANTHROPIC, Provider::kind)
                .returns("sk-ant-api03-secret-7890", Provider::serverKey);
    }

    @Test
    void put_can_turn_an_openai_provider_into_an_anthropic_one() {
        long id = admin.createProvider("A", "k1");

        JsonNode body = admin.put("/providers/" + id, "{\"kind\":\"anthropic\","
                + "\"server_url\":\"https://api.anthropic.com/v1\"}").expect(200);

        assertThat(body.path("kind").asText()).isEqualTo("anthropic");
        assertThat(admin.providerRows()).singleElement().returns(ProviderKind.ANTHROPIC, Provider::kind);
    }

    @Test
    void listing_returns_every_provider_in_id_order_and_an_empty_array_when_there_are_none() {
        assertThat(admin.get("/providers").expect(200).isArray()).isTrue();
        assertThat(admin.get("/providers").expect(200)).isEmpty();
        long first = admin.createProvider("A", "k1");
        long second = admin.createProvider("B", "k1");

        JsonNode list = admin.get("/providers").expect(200);

        assertThat(list).extracting(node -> node.path("id").asLong()).containsExactly(first, second);
        assertThat(list).extracting(node -> node.path("server_key").asText()).containsOnly("sk-…1234");
    }

    @Test
    void getting_a_provider_shows_what_create_answered() {
        JsonNode created = admin.post("/providers", SEED_EXAMPLE).expect(201);

        assertThat(admin.get("/providers/" + created.path("id").asLong()).expect(200)).isEqualTo(created);
    }

    @Test
    void put_changes_only_the_fields_it_carries() {
        long id = admin.createProvider("Old", "k1");

        JsonNode body = admin.put("/providers/" + id, "{\"description\":\"new words\",\"enabled\":false}").expect(200);

        assertThat(body.path("name").asText()).isEqualTo("Old");
        assertThat(body.path("description").asText()).isEqualTo("new words");
        assertThat(body.path("enabled").asBoolean()).isFalse();
        assertThat(body.path("created_at").asText()).isEqualTo("2026-11-21T22:43:17Z");
        assertThat(admin.providerRows()).singleElement()
                .returns("new words", Provider::description)
                .returns(false, Provider::enabled)
                .returns("sk-upstream-secret-1234", Provider::serverKey);
    }

    @Test
    void putting_back_what_get_showed_keeps_the_real_server_key() {
        long id = admin.createProvider("A", "k1");
        JsonNode shown = admin.get("/providers/" + id).expect(200);

        JsonNode body = admin.put("/providers/" + id, shown.toString()).expect(200);

        assertThat(body).isEqualTo(shown);
        assertThat(admin.providerRows()).singleElement().returns("sk-upstream-secret-1234", Provider::serverKey);
    }

    @Test
    void a_new_server_key_replaces_the_old_one() {
        long id = admin.createProvider("A", "k1");

        JsonNode body = admin.put("/providers/" + id, "{\"server_key\":\"sk-brand-new-key-9999\"}").expect(200);

        assertThat(body.path("server_key").asText()).isEqualTo("sk-…9999");
        assertThat(admin.providerRows()).singleElement().returns("sk-brand-new-key-9999", Provider::serverKey);
    }

    @Test
    void put_can_turn_a_provider_into_a_mock_when_it_also_clears_the_url() {
        long id = admin.createProvider("A", "k1");

        JsonNode body = admin.put("/providers/" + id, "{\"kind\":\"mock\",\"server_url\":\"\"}").expect(200);

        assertThat(body.path("kind").asText()).isEqualTo("mock");
        assertThat(admin.providerRows()).singleElement().returns(ProviderKind.MOCK, Provider::kind);
    }

    @Test
    void several_providers_may_share_one_personalized_key() {
        admin.createProvider("A", "shared-key");
        admin.createProvider("B", "shared-key");

        assertThat(admin.providerRows()).extracting(Provider::personalizedKey).containsOnly("shared-key").hasSize(2);
    }

    @Test
    void deleting_a_provider_answers_204_and_removes_it_and_its_models() {
        long id = admin.createProvider("A", "k1");
        admin.createModel(id, "gpt-4");

        AdminServer.Reply reply = admin.delete("/providers/" + id);

        assertThat(reply.status()).isEqualTo(204);
        assertThat(reply.body()).isEmpty();
        assertThat(admin.providerRows()).isEmpty();
        assertThat(admin.modelRows(id)).isEmpty();
        assertThat(admin.get("/providers/" + id).failure()).isEqualTo(AdminServer.Failure.notFound("provider_id"));
    }

    @Test
    void health_answers_ok() {
        assertThat(admin.get("/health").expect(200).path("status").asText()).isEqualTo("ok");
    }
}
