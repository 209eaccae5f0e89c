package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import nexus.admin.AdminServer.Failure;
import nexus.shared.db.ProviderModel;

class ProviderModelValidationApiTest {

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest();
    long providerId;

    @BeforeEach
    void createProvider() {
        providerId = admin.createProvider("OpenAI", "k1");
    }

    static Stream<Arguments> invalid_creates() {
        return Stream.of(
                Arguments.of("{\"model_name\":\"gpt-4\"}", "provider_id", "'provider_id' is required"),
                Arguments.of("{\"provider_id\":\"1\",\"model_name\":\"gpt-4\"}", "provider_id", "must be an integer"),
                Arguments.of("{\"provider_id\":1.5,\"model_name\":\"gpt-4\"}", "provider_id", "must be an integer"),
                Arguments.of("{\"provider_id\":1e40,\"model_name\":\"gpt-4\"}", "provider_id", "must be an integer"),
                Arguments.of("{\"provider_id\":99999999999999999999,\"model_name\":\"gpt-4\"}", "provider_id",
                        "must be an integer"),
                Arguments.of("{\"provider_id\":1}", "model_name", "'model_name' is required"),
                Arguments.of("{\"provider_id\":1,\"model_name\":\" \"}", "model_name", "'model_name' is required"),
                Arguments.of("{\"provider_id\":1,\"model_name\":4}", "model_name", "must be a string"),
                Arguments.of("{\"provider_id\":1,\"model_name\":\"" + "m".repeat(201) + "\"}", "model_name",
                        "at most 200"),
                Arguments.of("{\"provider_id\":1,\"model_name\":\"m\",\"description\":{}}", "description",
                        "must be a string"),
                Arguments.of("{\"provider_id\":1,\"model_name\":\"m\",\"enabled\":\"true\"}", "enabled",
                        "must be a boolean"),
                Arguments.of("{\"provider_id\":1,\"model_name\":\"m\",\"type\":\"audio\"}", "type",
                        "chat, embedding, rerank, image, video"),
                Arguments.of("{\"provider_id\":1,\"model_name\":\"m\",\"type\":1}", "type", "must be a string"),
                Arguments.of("{\"provider_id\":1,\"model_name\":\"m\",\"price\":1}", "price", "Unknown field"),
                Arguments.of("{\"provider_id\":1,\"model_name\":\"gpt\\u0000-4\"}", "model_name", "control characters"),
                Arguments.of("{\"provider_id\":1,\"model_name\":\"gpt-4\\n\"}", "model_name", "control characters"),
                Arguments.of("{\"provider_id\":1,\"model_name\":\"m\",\"type\":\"chat\\u0000\"}", "type",
                        "control characters"),
                Arguments.of("{\"provider_id\":1,\"model_name\":\"m\",\"description\":\"\\u0000\"}", "description",
                        "control characters"),
                Arguments.of("{\"provider_id\":1,\"model_name\":\"m\",\"description\":\"" + "d".repeat(2_001)
                        + "\"}", "description", "at most 2000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid_creates")
    void a_create_with_an_invalid_field_is_refused_naming_it_and_stores_nothing(String body, String field,
                                                                               String message) {
        AdminServer.Reply reply = admin.post("/provider_models", body);

        assertThat(reply.failure()).isEqualTo(Failure.invalid(field));
        assertThat(reply.message()).contains(message);
        assertThat(admin.modelRows(providerId)).isEmpty();
    }

    @Test
    void a_create_for_an_unknown_provider_is_not_found_naming_provider_id() {
        AdminServer.Reply reply = admin.post("/provider_models", "{\"provider_id\":424242,\"model_name\":\"gpt-4\"}");

        assertThat(reply.failure()).isEqualTo(Failure.notFound("provider_id"));
        assertThat(reply.message()).contains("424242");
        assertThat(admin.modelRows(424242)).isEmpty();
    }

    static Stream<Arguments> invalid_updates() {
        return Stream.of(
                Arguments.of("{\"provider_id\":\"x\"}", Failure.invalid("provider_id")),
                Arguments.of("{\"provider_id\":424242}", Failure.notFound("provider_id")),
                Arguments.of("{\"provider_id\":-1}", Failure.notFound("provider_id")),
                Arguments.of("{\"model_name\":\"\"}", Failure.invalid("model_name")),
                Arguments.of("{\"model_name\":[]}", Failure.invalid("model_name")),
                Arguments.of("{\"description\":1}", Failure.invalid("description")),
                Arguments.of("{\"description\":\"" + "d".repeat(2_001) + "\"}", Failure.invalid("description")),
                Arguments.of("{\"model_name\":\"m\\u0000\"}", Failure.invalid("model_name")),
                Arguments.of("{\"type\":\"Chat\"}", Failure.invalid("type")),
                Arguments.of("{\"enabled\":null,\"enabled_x\":true}", Failure.invalid("enabled_x")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid_updates")
    void an_invalid_update_is_refused_and_changes_nothing(String body, Failure expected) {
        long id = admin.createModel(providerId, "gpt-4");
        List<ProviderModel> before = admin.modelRows(providerId);

        assertThat(admin.put("/provider_models/" + id, body).failure()).isEqualTo(expected);
        assertThat(admin.modelRows(providerId)).isEqualTo(before);
    }

    @Test
    void a_multiline_description_is_stored_as_sent() {
        admin.post("/provider_models", "{\"provider_id\":" + providerId + ",\"model_name\":\"m\","
                + "\"description\":\"first\\n\\tsecond\"}").expect(201);

        assertThat(admin.modelRows(providerId)).singleElement().returns("first\n\tsecond", ProviderModel::description);
    }

    @Test
    void a_body_that_is_not_utf8_is_refused_and_stores_nothing() {
        byte[] body = ("{\"provider_id\":" + providerId + ",\"model_name\":\"gpt-\u00e9\"}")
                .getBytes(StandardCharsets.ISO_8859_1);

        AdminServer.Reply reply = admin.sendBytes("POST", "/provider_models", body, "application/json");

        assertThat(reply.failure()).isEqualTo(Failure.invalid(null));
        assertThat(reply.message()).contains("not valid UTF-8");
        assertThat(admin.modelRows(providerId)).isEmpty();
    }
}
