package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.admin.AdminServer.Failure;

class AdminTokenTest {

    private static final String TOKEN = "admin-token-123";
    private static final String PROVIDER = "{\"name\":\"A\",\"kind\":\"mock\",\"personalized_key\":\"k1\"}";

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest(config -> config.withAdminToken(TOKEN));

    @Test
    void the_right_bearer_token_opens_every_route() {
        assertThat(admin.send("POST", "/providers", PROVIDER, "Authorization", "Bearer " + TOKEN).status())
                .isEqualTo(201);
        assertThat(admin.send("GET", "/providers", null, "Authorization", "Bearer " + TOKEN).status()).isEqualTo(200);
        assertThat(admin.send("GET", "/stats/total", null, "Authorization", "bearer " + TOKEN).status())
                .isEqualTo(200);
    }

    @Test
    void a_request_without_the_token_is_refused_as_missing_and_changes_nothing() {
        AdminServer.Reply reply = admin.post("/providers", PROVIDER);

        assertThat(reply.failure()).isEqualTo(Failure.of(401, "missing_api_key"));
        assertThat(admin.providerRows()).isEmpty();
        assertThat(admin.get("/providers").failure()).isEqualTo(Failure.of(401, "missing_api_key"));
        assertThat(admin.get("/stats/total").failure()).isEqualTo(Failure.of(401, "missing_api_key"));
    }

    @Test
    void a_wrong_token_or_scheme_is_refused_as_invalid_and_changes_nothing() {
        assertThat(admin.send("POST", "/providers", PROVIDER, "Authorization", "Bearer wrong").failure())
                .isEqualTo(Failure.of(401, "invalid_api_key"));
        assertThat(admin.send("GET", "/providers", null, "Authorization", "Bearer " + TOKEN + "x").failure())
                .isEqualTo(Failure.of(401, "invalid_api_key"));
        assertThat(admin.send("GET", "/providers", null, "Authorization", "Basic " + TOKEN).failure())
                .isEqualTo(Failure.of(401, "invalid_api_key"));
        assertThat(admin.providerRows()).isEmpty();
    }

    @Test
    void a_deletion_without_the_token_leaves_the_provider_in_place() {
        admin.send("POST", "/providers", PROVIDER, "Authorization", "Bearer " + TOKEN);
        long id = admin.providerRows().get(0).id();

        assertThat(admin.delete("/providers/" + id).failure()).isEqualTo(Failure.of(401, "missing_api_key"));
        assertThat(admin.providerRows()).hasSize(1);
    }

    @Test
    void unknown_urls_are_refused_before_they_are_looked_up() {
        assertThat(admin.get("/nope").failure()).isEqualTo(Failure.of(401, "missing_api_key"));
    }

    @Test
    void health_stays_open() {
        assertThat(admin.get("/health").expect(200).path("status").asText()).isEqualTo("ok");
    }
}
