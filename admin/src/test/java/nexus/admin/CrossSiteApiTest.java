package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import nexus.admin.AdminServer.Failure;
import nexus.shared.db.Provider;

/** What a web page in the developer's browser can make the browser send to the admin, and what the admin answers. */
class CrossSiteApiTest {

    private static final String PROVIDER = "{\"name\":\"A\",\"kind\":\"mock\",\"personalized_key\":\"k1\"}";
    private static final Failure DENIED = new Failure(403, "permission_error", "permission_denied", null);
    private static final Failure NOT_JSON = Failure.of(415, "unsupported_media_type");

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest();

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/jsonx", "application/json; charset=iso-8859-1"})
    void a_create_whose_body_is_not_declared_json_is_unsupported_and_stores_nothing(String contentType) {
        AdminServer.Reply reply = admin.sendBytes("POST", "/providers", bytes(PROVIDER), contentType);

        assertThat(reply.failure()).isEqualTo(NOT_JSON);
        assertThat(reply.message()).contains("application/json");
        assertThat(admin.providerRows()).isEmpty();
    }

    @Test
    void every_write_with_a_body_needs_json_and_one_without_a_content_type_is_refused_too() {
        long providerId = admin.createProvider("A", "k1");
        long modelId = admin.createModel(providerId, "gpt-4");
        List<Provider> before = admin.providerRows();

        for (String[] route : new String[][] {{"PUT", "/providers/" + providerId}, {"POST", "/provider_models"},
                {"PUT", "/provider_models/" + modelId}, {"PATCH", "/providers/" + providerId},
                {"DELETE", "/providers/" + providerId}}) {
            assertThat(admin.sendBytes(route[0], route[1], bytes("{\"name\":\"B\"}"), "text/plain").failure())
                    .as(route[0] + " " + route[1]).isEqualTo(NOT_JSON);
            assertThat(admin.sendBytes(route[0], route[1], bytes("{\"name\":\"B\"}"), null).failure())
                    .as(route[0] + " " + route[1] + " without a Content-Type").isEqualTo(NOT_JSON);
        }
        assertThat(admin.providerRows()).isEqualTo(before);
        assertThat(admin.modelRows(providerId)).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
            "Application/JSON; charset=\"utf-8\""})
    void json_with_or_without_a_utf8_charset_is_accepted(String contentType) {
        assertThat(admin.sendBytes("POST", "/providers", bytes(PROVIDER), contentType).status()).isEqualTo(201);
    }

    @Test
    void a_delete_without_a_body_needs_no_content_type() {
        long providerId = admin.createProvider("A", "k1");

        assertThat(admin.sendBytes("DELETE", "/providers/" + providerId, null, null).status()).isEqualTo(204);
        assertThat(admin.providerRows()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://evil.example", "null", "https://127.0.0.1.evil.example", "http://localhost:1"})
    void a_request_from_another_origin_is_denied_and_changes_nothing(String origin) {
        assertThat(admin.send("POST", "/providers", PROVIDER, "Origin", origin).failure()).isEqualTo(DENIED);
        assertThat(admin.sendBytes("POST", "/providers", bytes(PROVIDER), "text/plain", "Origin", origin).failure())
                .isEqualTo(DENIED);
        assertThat(admin.send("GET", "/providers", null, "Origin", origin).failure()).isEqualTo(DENIED);
        assertThat(admin.providerRows()).isEmpty();
    }

    @Test
    void a_fetch_the_browser_marks_cross_site_is_denied() {
        assertThat(admin.send("POST", "/providers", PROVIDER, "Sec-Fetch-Site", "cross-site").failure())
                .isEqualTo(DENIED);
        assertThat(admin.providerRows()).isEmpty();
        assertThat(admin.send("POST", "/providers", PROVIDER, "Sec-Fetch-Site", "same-origin").status())
                .isEqualTo(201);
    }

    @Test
    void a_request_from_the_admins_own_origin_is_accepted() {
        String self = "127.0.0.1:" + admin.port();
        String named = "localhost:" + admin.port();

        assertThat(admin.send("POST", "/providers", PROVIDER, "Origin", "http://" + self).status()).isEqualTo(201);
        assertThat(admin.send("GET", "/providers", null, "Host", named, "Origin", "http://" + named).status())
                .isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"evil.example", "evil.example:PORT", "127.0.0.2:PORT", "[::1]:PORT", "localhost.evil:PORT",
            "nexus.lan:PORT"})
    void a_host_the_admin_is_not_reached_by_is_denied_and_changes_nothing(String host) {
        String value = host.replace("PORT", Integer.toString(admin.port()));

        assertThat(admin.send("POST", "/providers", PROVIDER, "Host", value).failure()).isEqualTo(DENIED);
        assertThat(admin.send("GET", "/providers", null, "Host", value).failure()).isEqualTo(DENIED);
        assertThat(admin.send("GET", "/providers", null, "Host", value).message()).contains("NEXUS_ALLOWED_HOSTS");
        assertThat(admin.providerRows()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"localhost", "localhost:PORT", "LOCALHOST:PORT", "127.0.0.1", "127.0.0.1:PORT"})
    void the_bound_address_and_localhost_are_accepted_with_or_without_the_port(String host) {
        String value = host.replace("PORT", Integer.toString(admin.port()));

        assertThat(admin.send("GET", "/providers", null, "Host", value).status()).isEqualTo(200);
    }

    @Test
    void health_stays_open_to_any_host_and_origin() {
        assertThat(admin.send("GET", "/health", null, "Host", "evil.example", "Origin", "http://evil.example")
                .expect(200).path("status").asText()).isEqualTo("ok");
    }
}
