package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.admin.AdminServer.Failure;
import nexus.shared.db.ApiKey;
import nexus.shared.db.ApiKeyDao;
import nexus.shared.db.Provider;

class RegionApiTest {

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest();

    @Test
    void a_provider_serves_both_regions_unless_told_and_its_region_is_changed_by_put() {
        long id = admin.createProvider("Qwen", "key-q");
        assertThat(admin.get("/providers/" + id).expect(200).path("region").textValue()).isEmpty();

        JsonNode changed = admin.put("/providers/" + id, "{\"region\":\"cn\"}").expect(200);

        assertThat(changed.path("region").textValue()).isEqualTo("cn");
        assertThat(changed.path("name").textValue()).isEqualTo("Qwen");
        assertThat(admin.providerRows()).singleElement().returns("cn", Provider::region);
        assertThat(admin.put("/providers/" + id, "{\"description\":\"x\"}").expect(200).path("region").textValue())
                .isEqualTo("cn");
        assertThat(admin.put("/providers/" + id, "{\"region\":\"\"}").expect(200).path("region").textValue())
                .isEmpty();
        long created = admin.post("/providers", "{\"name\":\"OpenAI\",\"server_url\":\"https://api.example.com/v1\","
                + "\"personalized_key\":\"k\",\"region\":\"overseas\"}").expect(201).path("id").longValue();
        assertThat(admin.get("/providers/" + created).expect(200).path("region").textValue()).isEqualTo("overseas");
    }

    @Test
    void an_unknown_region_is_a_400_naming_it_and_changes_nothing() {
        long id = admin.createProvider("Qwen", "key-q");

        assertThat(admin.put("/providers/" + id, "{\"region\":\"eu\"}").failure()).isEqualTo(Failure.invalid("region"));
        assertThat(admin.put("/providers/" + id, "{\"region\":1}").failure()).isEqualTo(Failure.invalid("region"));
        assertThat(admin.post("/providers", "{\"name\":\"X\",\"server_url\":\"https://x.example/v1\","
                + "\"personalized_key\":\"k2\",\"region\":\"CN\"}").failure()).isEqualTo(Failure.invalid("region"));
        assertThat(admin.providerRows()).singleElement().returns("", Provider::region);
    }

    @Test
    void a_key_may_use_any_region_unless_told_and_its_policy_is_changed_by_patch() {
        JsonNode key = admin.post("/keys", "{\"name\":\"k\"}").expect(201).path("key");
        long id = key.path("id").longValue();
        assertThat(key.path("region_policy").textValue()).isEqualTo("any");

        JsonNode changed = admin.send("PATCH", "/keys/" + id, "{\"region_policy\":\"cn-only\"}").expect(200);

        assertThat(changed.path("region_policy").textValue()).isEqualTo("cn-only");
        assertThat(admin.database().dao(ApiKeyDao.class).findActive(id)).get()
                .returns("cn-only", ApiKey::regionPolicy);
        assertThat(admin.send("PATCH", "/keys/" + id, "{\"rpm\":7}").expect(200).path("region_policy").textValue())
                .isEqualTo("cn-only");
        assertThat(admin.post("/keys/" + id + "/rotate", "{}").expect(200).path("key").path("region_policy")
                .textValue()).isEqualTo("cn-only");
        assertThat(admin.post("/keys", "{\"name\":\"o\",\"region_policy\":\"overseas-only\"}").expect(201).path("key")
                .path("region_policy").textValue()).isEqualTo("overseas-only");
    }

    @Test
    void an_unknown_region_policy_is_a_400_naming_it_and_changes_nothing() {
        long id = admin.post("/keys", "{\"name\":\"k\"}").expect(201).path("key").path("id").longValue();

        assertThat(admin.send("PATCH", "/keys/" + id, "{\"region_policy\":\"cn\"}").failure())
                .isEqualTo(Failure.invalid("region_policy"));
        assertThat(admin.post("/keys", "{\"name\":\"x\",\"region_policy\":\"\"}").failure())
                .isEqualTo(Failure.invalid("region_policy"));
        assertThat(admin.database().dao(ApiKeyDao.class).listActive()).singleElement()
                .returns("any", ApiKey::regionPolicy);
    }
}
