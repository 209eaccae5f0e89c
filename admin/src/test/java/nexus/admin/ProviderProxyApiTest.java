package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.admin.AdminServer.Failure;
import nexus.shared.db.Provider;

class ProviderProxyApiTest {

    private static final String PROXY = "socks5://grok-user:proxy-password-42@10.0.0.7:1080";

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest();

    private long createWithProxy(String proxy) {
        return admin.post("/providers", "{\"name\":\"Grok\",\"server_url\":\"https://api.x.ai/v1\","
                + "\"personalized_key\":\"k1\",\"http_proxy\":\"" + proxy + "\"}").expect(201).path("id").asLong();
    }

    @Test
    void a_provider_is_direct_unless_it_names_a_proxy() {
        long id = admin.createProvider("OpenAI", "k1");

        assertThat(admin.get("/providers/" + id).expect(200).path("http_proxy").asText()).isEmpty();
        assertThat(admin.providerRows()).singleElement().returns("", Provider::httpProxy);
    }

    @Test
    void the_proxy_password_is_stored_but_shown_masked() {
        long id = createWithProxy(PROXY);

        JsonNode shown = admin.get("/providers/" + id).expect(200);

        assertThat(shown.path("http_proxy").asText()).isEqualTo("socks5://grok-user:…@10.0.0.7:1080");
        assertThat(admin.providerRows()).singleElement().returns(PROXY, Provider::httpProxy);
    }

    @Test
    void a_put_of_what_get_showed_keeps_the_proxy_and_an_empty_one_removes_it() {
        long id = createWithProxy(PROXY);
        String shown = admin.get("/providers/" + id).expect(200).path("http_proxy").asText();

        admin.put("/providers/" + id, "{\"http_proxy\":\"" + shown + "\",\"description\":\"via proxy\"}").expect(200);
        assertThat(admin.providerRows()).singleElement().returns(PROXY, Provider::httpProxy);

        admin.put("/providers/" + id, "{\"http_proxy\":\"\"}").expect(200);
        assertThat(admin.providerRows()).singleElement().returns("", Provider::httpProxy);
    }

    @Test
    void an_http_proxy_without_credentials_is_shown_as_stored() {
        long id = createWithProxy("http://127.0.0.1:3128/");

        assertThat(admin.get("/providers/" + id).expect(200).path("http_proxy").asText())
                .isEqualTo("http://127.0.0.1:3128");
    }

    @Test
    void a_mock_provider_takes_no_proxy() {
        AdminServer.Reply reply = admin.post("/providers", "{\"name\":\"Mock\",\"kind\":\"mock\","
                + "\"personalized_key\":\"k1\",\"http_proxy\":\"http://127.0.0.1:3128\"}");

        assertThat(reply.failure()).isEqualTo(Failure.invalid("http_proxy"));
        assertThat(reply.message()).contains("mock");
        assertThat(admin.providerRows()).isEmpty();
    }
}
