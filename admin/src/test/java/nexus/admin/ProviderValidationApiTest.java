package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import nexus.admin.AdminServer.Failure;
import nexus.shared.db.Provider;

class ProviderValidationApiTest {

    private static final String LONG_TEXT = "x".repeat(201);

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest();

    /** A valid create body with one field replaced by raw JSON (or removed when the JSON is null). */
    private static String body(String field, String json) {
        StringBuilder body = new StringBuilder("{");
        List<String[]> fields = List.of(
                new String[] {"name", "\"OpenAI\""},
                new String[] {"server_url", "\"https://api.openai.com/v1\""},
                new String[] {"personalized_key", "\"key-1\""});
        for (String[] pair : fields) {
            if (!pair[0].equals(field)) {
                body.append('"').append(pair[0]).append("\":").append(pair[1]).append(',');
            }
        }
        if (json != null) {
            body.append('"').append(field).append("\":").append(json).append(',');
        }
        return body.substring(0, body.length() - 1) + "}";
    }

    static Stream<Arguments> invalid_fields() {
        return Stream.of(
                Arguments.of("name", null, "'name' is required"),
                Arguments.of("name", "\"  \"", "'name' is required"),
                Arguments.of("name", "7", "'name' must be a string"),
                Arguments.of("name", "\"" + LONG_TEXT + "\"", "at most 200"),
                Arguments.of("kind", "\"gemini\"", "openai, anthropic, mock"),
                Arguments.of("kind", "1", "'kind' must be a string"),
                Arguments.of("server_url", null, "'server_url' is required"),
                Arguments.of("server_url", "\"\"", "'server_url' is required"),
                Arguments.of("server_url", "\"ftp://example.com\"", "http or https"),
                Arguments.of("server_url", "\"api.openai.com/v1\"", "http or https"),
                Arguments.of("server_url", "\"https://\"", "http or https"),
                Arguments.of("server_url", "\"not a url\"", "http or https"),
                Arguments.of("server_url", "{}", "'server_url' must be a string"),
                Arguments.of("server_key", "123", "'server_key' must be a string"),
                Arguments.of("personalized_key", null, "'personalized_key' is required"),
                Arguments.of("personalized_key", "\"\"", "'personalized_key' is required"),
                Arguments.of("personalized_key", "\"two words\"", "whitespace"),
                Arguments.of("personalized_key", "\" key\"", "whitespace"),
                Arguments.of("personalized_key", "\"" + LONG_TEXT + "\"", "at most 200"),
                Arguments.of("personalized_key", "[\"k\"]", "'personalized_key' must be a string"),
                Arguments.of("description", "true", "'description' must be a string"),
                Arguments.of("enabled", "\"yes\"", "'enabled' must be a boolean"),
                Arguments.of("enabled", "1", "'enabled' must be a boolean"),
                Arguments.of("http_proxy", "\"ftp://proxy.local:21\"", "http:// or socks5://"),
                Arguments.of("http_proxy", "\"proxy.local:8080\"", "http:// or socks5://"),
                Arguments.of("http_proxy", "\"http://proxy.local\"", "host and a port"),
                Arguments.of("http_proxy", "\"socks5://proxy.local:1080/x\"", "no path"),
                Arguments.of("http_proxy", "8080", "'http_proxy' must be a string"),
                Arguments.of("owner", "\"me\"", "Unknown field 'owner'"),
                Arguments.of("name", "\"a\\u0000b\"", "control characters"),
                Arguments.of("name", "\"two\\nlines\"", "control characters"),
                Arguments.of("name", "\"\\ud800x\"", "unpaired surrogates"),
                Arguments.of("kind", "\"mock\\u0000\"", "control characters"),
                Arguments.of("server_url", "\"https://api.example.com/v1\\u0000\"", "control characters"),
                Arguments.of("server_key", "\"sk-1\\r\\nX-Injected: 1\"", "control characters"),
                Arguments.of("personalized_key", "\"k\\u0007\"", "control characters"),
                Arguments.of("http_proxy", "\"http://proxy.local:3128\\u001b\"", "control characters"),
                Arguments.of("description", "\"a\\u0000b\"", "control characters"),
                Arguments.of("description", "\"carriage\\rreturn\"", "control characters"),
                Arguments.of("description", "\"\u0085\"", "control characters"),
                Arguments.of("description", "\"" + "d".repeat(2_001) + "\"", "at most 2000"),
                Arguments.of("server_url", "\"https://user:pass@api.example.com/v1\"", "credentials"),
                Arguments.of("server_url", "\"https://sk-key@api.example.com/v1\"", "credentials"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("invalid_fields")
    void a_create_with_an_invalid_field_is_refused_naming_it_and_stores_nothing(String field, String json,
                                                                               String message) {
        AdminServer.Reply reply = admin.post("/providers", body(field, json));

        assertThat(reply.failure()).isEqualTo(Failure.invalid(field));
        assertThat(reply.message()).contains(message);
        assertThat(admin.providerRows()).isEmpty();
    }

    @Test
    void an_anthropic_provider_needs_an_http_server_url_like_an_openai_one() {
        String noUrl = "{\"name\":\"Claude\",\"kind\":\"anthropic\",\"personalized_key\":\"k1\"}";
        String mockUrl = "{\"name\":\"Claude\",\"kind\":\"anthropic\",\"personalized_key\":\"k1\","
                + "\"server_url\":\"mock://local\"}";

        AdminServer.Reply missing = admin.post("/providers", noUrl);
        AdminServer.Reply wrong = admin.post("/providers", mockUrl);

        assertThat(missing.failure()).isEqualTo(Failure.invalid("server_url"));
        assertThat(missing.message()).contains("required for a provider of kind anthropic");
        assertThat(wrong.failure()).isEqualTo(Failure.invalid("server_url"));
        assertThat(wrong.message()).contains("http or https");
        assertThat(admin.providerRows()).isEmpty();
    }

    static Stream<Arguments> invalid_mock_urls() {
        return Stream.of(
                Arguments.of("https://api.openai.com/v1", "mock://"),
                Arguments.of("mock://local?chunks=0", "chunks"),
                Arguments.of("mock://local?delay_ms=abc", "delay_ms"),
                Arguments.of("mock://local?speed=1", "speed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid_mock_urls")
    void a_mock_provider_with_bad_settings_is_refused_with_the_settings_message(String url, String message) {
        AdminServer.Reply reply = admin.post("/providers",
                "{\"name\":\"Mock\",\"kind\":\"mock\",\"personalized_key\":\"k1\",\"server_url\":\"" + url + "\"}");

        assertThat(reply.failure()).isEqualTo(Failure.invalid("server_url"));
        assertThat(reply.message()).contains(message);
        assertThat(admin.providerRows()).isEmpty();
    }

    static Stream<Arguments> invalid_updates() {
        return Stream.of(
                Arguments.of("{\"name\":\"\"}", "name"),
                Arguments.of("{\"name\":false}", "name"),
                Arguments.of("{\"kind\":\"other\"}", "kind"),
                Arguments.of("{\"kind\":\"mock\"}", "server_url"),
                Arguments.of("{\"server_url\":\"\"}", "server_url"),
                Arguments.of("{\"server_url\":\"file:///etc/passwd\"}", "server_url"),
                Arguments.of("{\"server_key\":[]}", "server_key"),
                Arguments.of("{\"personalized_key\":\"a b\"}", "personalized_key"),
                Arguments.of("{\"description\":5}", "description"),
                Arguments.of("{\"enabled\":\"false\"}", "enabled"),
                Arguments.of("{\"http_proxy\":\"socks4://h:1\"}", "http_proxy"),
                Arguments.of("{\"id\":1,\"created_at\":\"x\",\"colour\":\"red\"}", "colour"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid_updates")
    void an_update_that_would_leave_an_invalid_provider_is_refused_and_changes_nothing(String body, String field) {
        long id = admin.createProvider("OpenAI", "k1");
        List<Provider> before = admin.providerRows();

        AdminServer.Reply reply = admin.put("/providers/" + id, body);

        assertThat(reply.failure()).isEqualTo(Failure.invalid(field));
        assertThat(admin.providerRows()).isEqualTo(before);
    }

    @Test
    void a_description_of_2000_characters_on_several_lines_with_tabs_is_stored_as_sent() {
        String description = "line one\n\tline two " + "d".repeat(1_981);
        assertThat(description).hasSize(2_000);

        admin.post("/providers", body("description", "\"" + description.replace("\n", "\\n").replace("\t", "\\t")
                + "\"")).expect(201);

        assertThat(admin.providerRows()).singleElement().returns(description, Provider::description);
    }

    @Test
    void a_body_that_is_not_utf8_is_refused_and_stores_nothing_where_it_used_to_store_a_replacement_character() {
        long id = admin.createProvider("OpenAI", "k1");
        List<Provider> before = admin.providerRows();
        byte[] latin1 = "{\"name\":\"Caf\u00e9\",\"kind\":\"mock\",\"personalized_key\":\"k2\"}"
                .getBytes(StandardCharsets.ISO_8859_1);

        AdminServer.Reply created = admin.sendBytes("POST", "/providers", latin1, "application/json");
        AdminServer.Reply updated = admin.sendBytes("PUT", "/providers/" + id, latin1, "application/json");

        assertThat(created.failure()).isEqualTo(Failure.invalid(null));
        assertThat(created.message()).contains("not valid UTF-8");
        assertThat(updated.failure()).isEqualTo(Failure.invalid(null));
        assertThat(admin.providerRows()).isEqualTo(before);
    }

    @Test
    void id_and_created_at_in_a_create_body_are_ignored() {
        String body = "{\"id\":99,\"created_at\":\"1999-01-01T00:00:00Z\",\"name\":\"A\",\"kind\":\"mock\","
                + "\"personalized_key\":\"k1\"}";

        admin.post("/providers", body).expect(201);

        assertThat(admin.providerRows()).singleElement()
                .returns(1L, Provider::id)
                .returns(AdminServer.NOW.toEpochMilli(), Provider::createdAtMillis);
    }

    @Test
    void a_null_field_counts_as_left_out() {
        long id = admin.createProvider("OpenAI", "k1");

        admin.put("/providers/" + id, "{\"name\":null,\"description\":null}").expect(200);

        assertThat(admin.providerRows()).singleElement().returns("OpenAI", Provider::name);
    }
}
