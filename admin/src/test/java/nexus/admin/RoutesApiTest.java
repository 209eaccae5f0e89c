package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.admin.AdminServer.Failure;
import nexus.shared.db.Route;
import nexus.shared.db.RouteDao;
import nexus.shared.db.RouteTarget;

class RoutesApiTest {

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest();

    long openAi;
    long deepSeek;

    @BeforeEach
    void providers() {
        openAi = admin.createProvider("OpenAI", "key-a");
        deepSeek = admin.createProvider("DeepSeek", "key-b");
        admin.createModel(openAi, "gpt-4o");
        admin.createModel(openAi, "gpt-4o-mini");
        admin.createModel(deepSeek, "deepseek-chat");
    }

    @Test
    void a_created_route_is_stored_with_its_targets_in_order_and_shown_with_defaults_as_null() {
        JsonNode created = admin.post("/routes", "{\"name\":\"nexus/fast\",\"description\":\"cheap first\","
                + "\"targets\":[{\"provider_id\":" + deepSeek + ",\"model_name\":\"deepseek-chat\"},"
                + "{\"provider_id\":" + openAi + ",\"model_name\":\"gpt-4o-mini\",\"weight\":3}]}").expect(201);

        long id = created.path("id").longValue();
        assertThat(created.path("name").textValue()).isEqualTo("nexus/fast");
        assertThat(created.path("type").textValue()).isEqualTo("chat");
        assertThat(created.path("strategy").textValue()).isEqualTo("priority");
        assertThat(created.path("enabled").booleanValue()).isTrue();
        assertThat(created.path("max_attempts").isNull()).isTrue();
        assertThat(created.path("deadline_ms").isNull()).isTrue();
        assertThat(created.path("first_token_timeout_ms").isNull()).isTrue();
        assertThat(created.path("health").toString())
                .isEqualTo("{\"failures\":null,\"window_ms\":null,\"cooldown_ms\":null}");
        assertThat(created.path("created_at").textValue()).isEqualTo("2026-11-21T22:43:17Z");
        assertThat(created.path("updated_at").textValue()).isEqualTo("2026-11-21T22:43:17Z");
        assertThat(created.path("targets").toString()).isEqualTo("[{\"provider_id\":" + deepSeek
                + ",\"provider_name\":\"DeepSeek\",\"model_name\":\"deepseek-chat\",\"weight\":1,\"usable\":true},"
                + "{\"provider_id\":" + openAi + ",\"provider_name\":\"OpenAI\",\"model_name\":\"gpt-4o-mini\","
                + "\"weight\":3,\"usable\":true}]");
        assertThat(admin.get("/routes/" + id).expect(200)).isEqualTo(created);
        assertThat(admin.get("/routes").expect(200)).containsExactly(created);

        RouteDao routes = admin.database().dao(RouteDao.class);
        assertThat(routes.findByName("nexus/fast")).get().returns(id, Route::id).returns("priority", Route::strategy);
        assertThat(routes.listTargets(id)).containsExactly(new RouteTarget(id, 0, deepSeek, "deepseek-chat", 1),
                new RouteTarget(id, 1, openAi, "gpt-4o-mini", 3));
    }

    @Test
    void patch_changes_the_fields_sent_replaces_targets_whole_and_null_restores_a_default() {
        long id = admin.post("/routes", "{\"name\":\"balanced\",\"max_attempts\":5,\"deadline_ms\":30000,"
                + "\"health\":{\"failures\":3,\"window_ms\":10000,\"cooldown_ms\":5000},"
                + "\"targets\":[{\"provider_id\":" + openAi + ",\"model_name\":\"gpt-4o\"},"
                + "{\"provider_id\":" + deepSeek + ",\"model_name\":\"deepseek-chat\"}]}").expect(201).path("id")
                .longValue();

        JsonNode changed = admin.send("PATCH", "/routes/" + id, "{\"strategy\":\"weighted\",\"max_attempts\":null,"
                + "\"first_token_timeout_ms\":2500,\"targets\":[{\"provider_id\":" + openAi
                + ",\"model_name\":\"gpt-4o-mini\",\"weight\":0}]}").expect(200);

        assertThat(changed.path("name").textValue()).isEqualTo("balanced");
        assertThat(changed.path("strategy").textValue()).isEqualTo("weighted");
        assertThat(changed.path("max_attempts").isNull()).isTrue();
        assertThat(changed.path("deadline_ms").longValue()).isEqualTo(30000);
        assertThat(changed.path("first_token_timeout_ms").longValue()).isEqualTo(2500);
        assertThat(changed.path("health").path("failures").intValue()).isEqualTo(3);
        assertThat(changed.path("targets")).extracting(target -> target.path("model_name").textValue())
                .containsExactly("gpt-4o-mini");
        assertThat(admin.database().dao(RouteDao.class).listTargets(id))
                .containsExactly(new RouteTarget(id, 0, openAi, "gpt-4o-mini", 0));
        assertThat(admin.get("/routes/" + id).expect(200)).isEqualTo(changed);

        JsonNode reset = admin.send("PATCH", "/routes/" + id, "{\"health\":null}").expect(200);
        assertThat(reset.path("health").path("window_ms").isNull()).isTrue();
        assertThat(reset.path("deadline_ms").longValue()).isEqualTo(30000);
    }

    @Test
    void a_target_whose_model_was_disabled_or_provider_deleted_later_is_shown_unusable() {
        long route = admin.post("/routes", "{\"name\":\"fast\",\"targets\":[{\"provider_id\":" + openAi
                + ",\"model_name\":\"gpt-4o\"},{\"provider_id\":" + deepSeek + ",\"model_name\":\"deepseek-chat\"}]}")
                .expect(201).path("id").longValue();
        long model = admin.modelRows(openAi).getFirst().id();
        admin.put("/provider_models/" + model, "{\"enabled\":false}").expect(200);
        admin.delete("/providers/" + deepSeek);

        JsonNode targets = admin.get("/routes/" + route).expect(200).path("targets");

        assertThat(targets).extracting(target -> target.path("usable").booleanValue()).containsExactly(false, false);
        assertThat(targets.get(1).path("provider_name").isNull()).isTrue();
        assertThat(targets.get(1).path("provider_id").longValue()).isEqualTo(deepSeek);
    }

    @Test
    void a_name_taken_by_a_model_or_another_route_is_a_conflict_naming_the_provider() {
        Failure expected = new Failure(409, "invalid_request_error", "conflict", "name");
        AdminServer.Reply model = admin.post("/routes", "{\"name\":\"deepseek-chat\",\"targets\":["
                + target(openAi, "gpt-4o") + "]}");
        assertThat(model.failure()).isEqualTo(expected);
        assertThat(model.message()).contains("DeepSeek");

        admin.post("/routes", "{\"name\":\"fast\",\"targets\":[" + target(openAi, "gpt-4o") + "]}").expect(201);
        assertThat(admin.post("/routes", "{\"name\":\"fast\",\"targets\":[" + target(openAi, "gpt-4o") + "]}")
                .failure()).isEqualTo(expected);
        assertThat(admin.database().dao(RouteDao.class).listAll()).hasSize(1);
    }

    @Test
    void a_model_may_not_take_a_routes_name_either() {
        long route = admin.post("/routes", "{\"name\":\"fast\",\"targets\":[" + target(openAi, "gpt-4o") + "]}")
                .expect(201).path("id").longValue();
        long model = admin.modelRows(deepSeek).getFirst().id();

        AdminServer.Reply created = admin.post("/provider_models", "{\"provider_id\":" + deepSeek
                + ",\"model_name\":\"fast\"}");
        AdminServer.Reply renamed = admin.put("/provider_models/" + model, "{\"model_name\":\"fast\"}");

        for (AdminServer.Reply reply : List.of(created, renamed)) {
            assertThat(reply.failure()).isEqualTo(new Failure(409, "invalid_request_error", "conflict", "model_name"));
            assertThat(reply.message()).contains("route " + route);
        }
        assertThat(admin.modelRows(deepSeek)).extracting(row -> row.modelName()).containsExactly("deepseek-chat");
    }

    @Test
    void invalid_input_is_a_400_naming_the_field_and_writes_nothing() {
        admin.createModel(openAi, "text-embedding-3-small");
        admin.post("/provider_models", "{\"provider_id\":" + openAi + ",\"model_name\":\"emb\",\"type\":\"embedding\"}")
                .expect(201);
        String ok = target(openAi, "gpt-4o");
        List<String[]> cases = List.of(
                new String[] {"{\"targets\":[" + ok + "]}", "name"},
                new String[] {"{\"name\":\"has space\",\"targets\":[" + ok + "]}", "name"},
                new String[] {"{\"name\":\"" + "x".repeat(101) + "\",\"targets\":[" + ok + "]}", "name"},
                new String[] {"{\"name\":\"r\"}", "targets"},
                new String[] {"{\"name\":\"r\",\"targets\":[]}", "targets"},
                new String[] {"{\"name\":\"r\",\"targets\":null}", "targets"},
                new String[] {"{\"name\":\"r\",\"type\":\"song\",\"targets\":[" + ok + "]}", "type"},
                new String[] {"{\"name\":\"r\",\"strategy\":\"random\",\"targets\":[" + ok + "]}", "strategy"},
                new String[] {"{\"name\":\"r\",\"max_attempts\":11,\"targets\":[" + ok + "]}", "max_attempts"},
                new String[] {"{\"name\":\"r\",\"max_attempts\":0,\"targets\":[" + ok + "]}", "max_attempts"},
                new String[] {"{\"name\":\"r\",\"deadline_ms\":0,\"targets\":[" + ok + "]}", "deadline_ms"},
                new String[] {"{\"name\":\"r\",\"first_token_timeout_ms\":\"5\",\"targets\":[" + ok + "]}",
                        "first_token_timeout_ms"},
                new String[] {"{\"name\":\"r\",\"health\":{\"failures\":0},\"targets\":[" + ok + "]}",
                        "health.failures"},
                new String[] {"{\"name\":\"r\",\"health\":{\"window_ms\":999},\"targets\":[" + ok + "]}",
                        "health.window_ms"},
                new String[] {"{\"name\":\"r\",\"health\":{\"cooldown_ms\":10},\"targets\":[" + ok + "]}",
                        "health.cooldown_ms"},
                new String[] {"{\"name\":\"r\",\"health\":5,\"targets\":[" + ok + "]}", "health"},
                new String[] {"{\"name\":\"r\",\"targets\":[" + ok + "," + ok + "]}", "targets[1]"},
                new String[] {"{\"name\":\"r\",\"targets\":[" + target(999, "gpt-4o") + "]}",
                        "targets[0].provider_id"},
                new String[] {"{\"name\":\"r\",\"targets\":[{\"model_name\":\"gpt-4o\"}]}", "targets[0].provider_id"},
                new String[] {"{\"name\":\"r\",\"targets\":[" + ok + "," + target(openAi, "nope") + "]}",
                        "targets[1].model_name"},
                new String[] {"{\"name\":\"r\",\"targets\":[" + target(openAi, "emb") + "]}", "targets[0].model_name"},
                new String[] {"{\"name\":\"r\",\"type\":\"embedding\",\"targets\":[" + ok + "]}",
                        "targets[0].model_name"},
                new String[] {"{\"name\":\"r\",\"targets\":[{\"provider_id\":" + openAi
                        + ",\"model_name\":\"gpt-4o\",\"weight\":-1}]}", "targets[0].weight"},
                new String[] {"{\"name\":\"r\",\"colour\":\"red\",\"targets\":[" + ok + "]}", "colour"});

        for (String[] sent : cases) {
            assertThat(admin.post("/routes", sent[0]).failure()).as(sent[0]).isEqualTo(Failure.invalid(sent[1]));
        }
        assertThat(admin.database().dao(RouteDao.class).listAll()).isEmpty();
    }

    @Test
    void a_disabled_model_cannot_become_a_target_and_a_failed_patch_changes_nothing() {
        long route = admin.post("/routes", "{\"name\":\"fast\",\"targets\":[" + target(openAi, "gpt-4o") + "]}")
                .expect(201).path("id").longValue();
        long mini = admin.modelRows(openAi).get(1).id();
        admin.put("/provider_models/" + mini, "{\"enabled\":false}").expect(200);

        AdminServer.Reply refused = admin.send("PATCH", "/routes/" + route, "{\"description\":\"x\",\"targets\":["
                + target(openAi, "gpt-4o-mini") + "]}");

        assertThat(refused.failure()).isEqualTo(Failure.invalid("targets[0].model_name"));
        assertThat(refused.message()).contains("disabled");
        JsonNode stored = admin.get("/routes/" + route).expect(200);
        assertThat(stored.path("description").textValue()).isEmpty();
        assertThat(stored.path("targets").get(0).path("model_name").textValue()).isEqualTo("gpt-4o");
    }

    @Test
    void delete_removes_the_route_and_its_targets_and_an_unknown_id_is_404() {
        long route = admin.post("/routes", "{\"name\":\"fast\",\"targets\":[" + target(openAi, "gpt-4o") + "]}")
                .expect(201).path("id").longValue();

        assertThat(admin.delete("/routes/" + route).status()).isEqualTo(204);

        assertThat(admin.database().dao(RouteDao.class).listTargets(route)).isEmpty();
        assertThat(admin.get("/routes/" + route).failure()).isEqualTo(Failure.notFound("id"));
        assertThat(admin.delete("/routes/" + route).failure()).isEqualTo(Failure.notFound("id"));
        assertThat(admin.send("PATCH", "/routes/" + route, "{\"enabled\":false}").failure())
                .isEqualTo(Failure.notFound("id"));
        assertThat(admin.get("/routes/abc").failure()).isEqualTo(Failure.invalid("id"));
    }

    private static String target(long providerId, String model) {
        return "{\"provider_id\":" + providerId + ",\"model_name\":\"" + model + "\"}";
    }
}
