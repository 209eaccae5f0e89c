package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import nexus.admin.AdminServer.Failure;
import nexus.shared.config.NexusConfig;

class HttpErrorsApiTest {

    @TempDir
    Path dir;

    AdminServer admin;

    @AfterEach
    void stop() {
        admin.close();
    }

    private AdminServer start() {
        admin = AdminServer.start(dir);
        return admin;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "GET, /providers/abc, provider_id",
            "GET, /providers/0, provider_id",
            "GET, /providers/-3, provider_id",
            "GET, /providers/99999999999999999999, provider_id",
            "PUT, /providers/1.5, provider_id",
            "DELETE, /providers/x, provider_id",
            "GET, /providers/abc/models, provider_id",
            "GET, /provider_models/abc, model_id",
            "PUT, /provider_models/0, model_id",
            "DELETE, /provider_models/-1, model_id"})
    void a_path_id_that_is_not_a_positive_integer_is_refused_naming_it(String method, String path, String param) {
        AdminServer.Reply reply = start().send(method, path, method.equals("PUT") ? "{}" : null);

        assertThat(reply.failure()).isEqualTo(Failure.invalid(param));
        assertThat(reply.message()).contains("positive integer");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "GET, /providers/42, provider_id",
            "PUT, /providers/42, provider_id",
            "DELETE, /providers/42, provider_id",
            "GET, /providers/42/models, provider_id",
            "GET, /provider_models/42, model_id",
            "PUT, /provider_models/42, model_id",
            "DELETE, /provider_models/42, model_id"})
    void an_unknown_id_is_not_found_naming_it(String method, String path, String param) {
        AdminServer.Reply reply = start().send(method, path, method.equals("PUT") ? "{}" : null);

        assertThat(reply.failure()).isEqualTo(Failure.notFound(param));
        assertThat(reply.message()).contains("42");
    }

    static Stream<Arguments> malformed_bodies() {
        return Stream.of(
                Arguments.of("", "empty"),
                Arguments.of("   ", "empty"),
                Arguments.of("{\"name\":", "not valid JSON"),
                Arguments.of("{\"name\":\"A\"} trailing", "not valid JSON"),
                Arguments.of("name=A", "not valid JSON"),
                Arguments.of("[{\"name\":\"A\"}]", "must be a JSON object"),
                Arguments.of("\"A\"", "must be a JSON object"),
                Arguments.of("null", "must be a JSON object"));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("malformed_bodies")
    void a_body_that_is_not_one_json_object_is_refused_on_every_write_route_and_changes_nothing(String body,
                                                                                                String message) {
        start();
        long providerId = admin.createProvider("A", "k1");
        long modelId = admin.createModel(providerId, "gpt-4");
        var providersBefore = admin.providerRows();
        var modelsBefore = admin.modelRows(providerId);

        for (String[] route : new String[][] {{"POST", "/providers"}, {"PUT", "/providers/" + providerId},
                {"POST", "/provider_models"}, {"PUT", "/provider_models/" + modelId}}) {
            AdminServer.Reply reply = admin.send(route[0], route[1], body);
            assertThat(reply.failure()).as(route[0] + " " + route[1]).isEqualTo(Failure.invalid(null));
            assertThat(reply.message()).contains(message);
        }
        assertThat(admin.providerRows()).isEqualTo(providersBefore);
        assertThat(admin.modelRows(providerId)).isEqualTo(modelsBefore);
    }

    @Test
    void an_unknown_url_is_answered_in_the_error_envelope() {
        AdminServer.Reply reply = start().get("/v1/nothing-here");

        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(reply.failure()).isEqualTo(Failure.of(404, "unknown_url"));
        assertThat(reply.message()).isEqualTo("Invalid URL (GET /v1/nothing-here)");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"PATCH, /providers/1", "DELETE, /providers", "POST, /stats/total", "PUT, /provider_models"})
    void a_known_path_with_the_wrong_method_is_not_allowed(String method, String path) {
        AdminServer.Reply reply = start().send(method, path, method.equals("DELETE") ? null : "{}");

        assertThat(reply.failure()).isEqualTo(Failure.of(405, "method_not_allowed"));
        assertThat(reply.message()).contains(method);
    }

    @Test
    void a_body_over_the_configured_limit_is_too_large_and_stores_nothing() {
        admin = AdminServer.start(NexusConfig.forTests(dir).withMaxRequestBytes(1024));
        String body = "{\"name\":\"A\",\"kind\":\"mock\",\"personalized_key\":\"k1\",\"description\":\""
                + "d".repeat(2_000) + "\"}";

        AdminServer.Reply reply = admin.post("/providers", body);

        assertThat(reply.failure()).isEqualTo(Failure.of(413, "request_too_large"));
        assertThat(reply.message()).contains("1024");
        assertThat(admin.providerRows()).isEmpty();
    }

    @Test
    void a_bug_is_a_500_whose_message_carries_a_log_id_and_no_stack_trace() {
        start();
        try (Handle handle = admin.database().openHandle()) {
            handle.execute("DROP TABLE provider_model");
            handle.execute("DROP TABLE provider");
        }

        AdminServer.Reply reply = admin.get("/providers");

        assertThat(reply.failure()).isEqualTo(new Failure(500, "server_error", "internal_error", null));
        assertThat(reply.message()).matches(".*\\(id [0-9a-f]+\\)\\.");
        assertThat(reply.body()).doesNotContain("Exception", "at nexus.", "SQL");
    }
}
