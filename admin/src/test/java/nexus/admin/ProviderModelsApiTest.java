package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import nexus.admin.AdminServer.Failure;
import nexus.shared.db.ProviderModel;

class ProviderModelsApiTest {

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest();
    long providerId;

    @BeforeEach
    void createProvider() {
        providerId = admin.createProvider("OpenAI", "k1");
    }

    @Test
    void the_seed_readme_example_creates_a_model_answered_whole() {
        JsonNode body = admin.post("/provider_models",
                "{\"provider_id\":" + providerId + ",\"model_name\":\"gpt-4\",\"description\":\"GPT-4\"}").expect(201);

        assertThat(body.path("id").asLong()).isPositive();
        assertThat(body.path("provider_id").asLong()).isEqualTo(providerId);
        assertThat(body.path("model_name").asText()).isEqualTo("gpt-4");
        assertThat(body.path("description").asText()).isEqualTo("GPT-4");
        assertThat(body.path("enabled").asBoolean()).isTrue();
        assertThat(body.path("created_at").asText()).isEqualTo("2026-11-21T22:43:17Z");
        assertThat(admin.modelRows(providerId)).singleElement().returns("gpt-4", ProviderModel::modelName);
    }

    @Test
    void a_model_is_a_chat_model_unless_its_type_says_otherwise_and_put_can_change_it() {
        JsonNode chat = admin.post("/provider_models",
                "{\"provider_id\":" + providerId + ",\"model_name\":\"gpt-4o\"}").expect(201);
        JsonNode embedding = admin.post("/provider_models", "{\"provider_id\":" + providerId
                + ",\"model_name\":\"text-embedding-3-small\",\"type\":\"embedding\"}").expect(201);

        assertThat(chat.path("type").asText()).isEqualTo("chat");
        assertThat(embedding.path("type").asText()).isEqualTo("embedding");

        admin.put("/provider_models/" + embedding.path("id").asLong(), "{\"type\":\"rerank\"}").expect(200);
        assertThat(admin.modelRows(providerId)).extracting(model -> model.type().wireName())
                .containsExactly("chat", "rerank");
    }

    @Test
    void the_model_name_is_stripped_and_enabled_can_be_set() {
        JsonNode body = admin.post("/provider_models",
                "{\"provider_id\":" + providerId + ",\"model_name\":\"  gpt-4o \",\"enabled\":false}").expect(201);

        assertThat(body.path("model_name").asText()).isEqualTo("gpt-4o");
        assertThat(body.path("enabled").asBoolean()).isFalse();
    }

    @Test
    void a_providers_models_are_listed_in_id_order() {
        long first = admin.createModel(providerId, "gpt-4");
        long second = admin.createModel(providerId, "gpt-4o");
        long otherProvider = admin.createProvider("Other", "k1");
        admin.createModel(otherProvider, "other-model");

        JsonNode list = admin.get("/providers/" + providerId + "/models").expect(200);

        assertThat(list).extracting(node -> node.path("id").asLong()).containsExactly(first, second);
        assertThat(admin.get("/providers/" + admin.createProvider("Empty", "k1") + "/models").expect(200)).isEmpty();
    }

    @Test
    void getting_a_model_shows_what_create_answered() {
        JsonNode created = admin.post("/provider_models",
                "{\"provider_id\":" + providerId + ",\"model_name\":\"gpt-4\"}").expect(201);

        assertThat(admin.get("/provider_models/" + created.path("id").asLong()).expect(200)).isEqualTo(created);
    }

    @Test
    void put_changes_only_the_fields_it_carries_and_accepts_what_get_showed() {
        long id = admin.createModel(providerId, "gpt-4");

        JsonNode body = admin.put("/provider_models/" + id, "{\"description\":\"the big one\"}").expect(200);
        JsonNode again = admin.put("/provider_models/" + id, body.toString()).expect(200);

        assertThat(body.path("model_name").asText()).isEqualTo("gpt-4");
        assertThat(body.path("description").asText()).isEqualTo("the big one");
        assertThat(again).isEqualTo(body);
        assertThat(admin.modelRows(providerId)).singleElement().returns("the big one", ProviderModel::description);
    }

    @Test
    void put_can_rename_a_model_and_move_it_to_another_provider() {
        long id = admin.createModel(providerId, "gpt-4");
        long otherProvider = admin.createProvider("Other", "k2");

        JsonNode body = admin.put("/provider_models/" + id,
                "{\"provider_id\":" + otherProvider + ",\"model_name\":\"gpt-4-turbo\",\"enabled\":false}").expect(200);

        assertThat(body.path("provider_id").asLong()).isEqualTo(otherProvider);
        assertThat(admin.modelRows(providerId)).isEmpty();
        assertThat(admin.modelRows(otherProvider)).singleElement()
                .returns("gpt-4-turbo", ProviderModel::modelName)
                .returns(false, ProviderModel::enabled);
    }

    @Test
    void the_same_model_name_may_repeat_across_providers() {
        long otherProvider = admin.createProvider("Other", "k1");

        admin.createModel(providerId, "gpt-4");
        admin.createModel(otherProvider, "gpt-4");

        assertThat(admin.modelRows(otherProvider)).extracting(ProviderModel::modelName).containsExactly("gpt-4");
    }

    @Test
    void a_duplicate_name_under_one_provider_is_a_conflict_and_adds_nothing() {
        admin.createModel(providerId, "gpt-4");

        AdminServer.Reply reply = admin.post("/provider_models",
                "{\"provider_id\":" + providerId + ",\"model_name\":\" gpt-4 \"}");

        assertThat(reply.failure()).isEqualTo(new Failure(409, "invalid_request_error", "conflict", "model_name"));
        assertThat(reply.message()).contains("gpt-4");
        assertThat(admin.modelRows(providerId)).hasSize(1);
    }

    @Test
    void renaming_onto_a_sibling_or_moving_onto_a_clash_is_a_conflict_and_changes_nothing() {
        long kept = admin.createModel(providerId, "gpt-4");
        long renamed = admin.createModel(providerId, "gpt-4o");
        long otherProvider = admin.createProvider("Other", "k1");
        admin.createModel(otherProvider, "gpt-4");

        assertThat(admin.put("/provider_models/" + renamed, "{\"model_name\":\"gpt-4\"}").failure())
                .isEqualTo(new Failure(409, "invalid_request_error", "conflict", "model_name"));
        assertThat(admin.put("/provider_models/" + kept, "{\"provider_id\":" + otherProvider + "}").failure())
                .isEqualTo(new Failure(409, "invalid_request_error", "conflict", "model_name"));
        assertThat(admin.modelRows(providerId)).extracting(ProviderModel::modelName).containsExactly("gpt-4", "gpt-4o");
        assertThat(admin.put("/provider_models/" + kept, "{\"model_name\":\"gpt-4\"}").status()).isEqualTo(200);
    }

    @Test
    void deleting_a_model_answers_204_and_removes_only_it() {
        long gone = admin.createModel(providerId, "gpt-4");
        admin.createModel(providerId, "gpt-4o");

        AdminServer.Reply reply = admin.delete("/provider_models/" + gone);

        assertThat(reply.status()).isEqualTo(204);
        assertThat(admin.modelRows(providerId)).extracting(ProviderModel::modelName).containsExactly("gpt-4o");
        assertThat(admin.get("/provider_models/" + gone).failure()).isEqualTo(Failure.notFound("model_id"));
        assertThat(admin.delete("/provider_models/" + gone).failure()).isEqualTo(Failure.notFound("model_id"));
    }
}
