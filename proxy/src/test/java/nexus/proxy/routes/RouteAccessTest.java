package nexus.proxy.routes;

import static org.assertj.core.api.Assertions.assertThat;

import mockwebserver3.MockWebServer;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ErrorBody;
import nexus.proxy.routes.RoutedGateway.To;

/**
 * Who may call a route: an issued key that allows its name (or everything), a personalized key whose providers carry
 * every target; and a key's region policy keeps it off providers of the other region, for routes and models alike.
 */
class RouteAccessTest {

    private static final String OWN = "personal-a";
    private static final String OTHER = "personal-b";
    private static final String ISSUED_ALL = "sk-nx-all-00000000000000000000";
    private static final String ISSUED_FAST = "sk-nx-fast-0000000000000000000";
    private static final String ISSUED_NONE = "sk-nx-none-0000000000000000000";
    private static final String ISSUED_CN = "sk-nx-cnonly-00000000000000000";

    @RegisterExtension
    final RoutedGateway gateway = new RoutedGateway();

    private long cn;
    private long overseas;

    private void twoRegions() throws Exception {
        cn = gateway.provider("Cn", gateway.alwaysAnswering(0), OWN, "cn");
        overseas = gateway.provider("Overseas", gateway.alwaysAnswering(0), OTHER, "overseas");
        gateway.model(cn, "qwen");
        gateway.model(overseas, "gpt");
        gateway.route("fast", "priority", To.of(overseas, "gpt"), To.of(cn, "qwen"));
        gateway.route("abroad", "priority", To.of(overseas, "gpt"));
        gateway.route("home", "priority", To.of(cn, "qwen"));
    }

    @Test
    void an_issued_key_calls_a_route_its_models_name_or_any_when_it_allows_everything() throws Exception {
        twoRegions();
        gateway.issue(ISSUED_ALL, "", "any");
        gateway.issue(ISSUED_FAST, "fast", "any");
        gateway.issue(ISSUED_NONE, "gpt", "any");

        assertAnswered(ISSUED_ALL, "fast", "Overseas");
        assertAnswered(ISSUED_FAST, "fast", "Overseas");
        try (Response response = gateway.chat(ISSUED_NONE, "fast")) {
            String body = response.body().string();
            assertThat(response.code()).isEqualTo(403);
            assertThat(ErrorBody.of(body).code()).isEqualTo("permission_denied");
            assertThat(body).contains("'fast'");
        }
    }

    @Test
    void a_personalized_key_calls_only_routes_whose_every_target_its_providers_carry() throws Exception {
        twoRegions();

        assertAnswered(OWN, "home", "Cn");
        try (Response response = gateway.chat(OWN, "fast")) {
            assertThat(response.code()).isEqualTo(404);
            assertThat(ErrorBody.of(response.body().string()).code()).isEqualTo("model_not_found");
        }
        try (Response response = gateway.chat(OTHER, "home")) {
            assertThat(response.code()).isEqualTo(404);
        }
    }

    @Test
    void a_region_policy_skips_targets_outside_it_and_refuses_a_route_or_model_with_none_left() throws Exception {
        twoRegions();
        gateway.issue(ISSUED_CN, "", "cn-only");

        assertAnswered(ISSUED_CN, "fast", "Cn");  // its first target is overseas: never tried
        assertAnswered(ISSUED_CN, "qwen", "Cn");
        for (String name : new String[] {"abroad", "gpt"}) {
            try (Response response = gateway.chat(ISSUED_CN, name)) {
                String body = response.body().string();
                assertThat(response.code()).as(name).isEqualTo(403);
                assertThat(ErrorBody.of(body).code()).isEqualTo("permission_denied");
                assertThat(body).contains("cn-only");
            }
        }
    }

    @Test
    void a_region_policy_tries_an_unregioned_provider() throws Exception {
        MockWebServer upstream = gateway.alwaysAnswering(0);
        long everywhere = gateway.provider("Everywhere", upstream, OWN, "");
        gateway.model(everywhere, "m");
        gateway.issue(ISSUED_CN, "", "overseas-only");

        assertAnswered(ISSUED_CN, "m", "Everywhere");
    }

    private void assertAnswered(String key, String model, String provider) throws Exception {
        try (Response response = gateway.chat(key, model)) {
            String body = response.body().string();
            assertThat(response.code()).as(key + " " + model + ": " + body).isEqualTo(200);
            assertThat(response.header("X-Nexus-Provider")).isEqualTo(provider);
        }
    }
}
