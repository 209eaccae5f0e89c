package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** NEXUS_ALLOWED_HOSTS adds the names the admin is reached by; the bound address and localhost stay allowed. */
class AllowedHostsApiTest {

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest(config -> config.withAllowedHosts(List.of("Nexus.LAN", "10.0.0.7:9000")));

    @Test
    void a_configured_name_is_accepted_with_any_port_and_a_configured_host_and_port_only_with_that_port() {
        String port = Integer.toString(admin.port());

        assertThat(admin.send("GET", "/providers", null, "Host", "nexus.lan:" + port).status()).isEqualTo(200);
        assertThat(admin.send("POST", "/providers", "{\"name\":\"A\",\"kind\":\"mock\",\"personalized_key\":\"k1\"}",
                "Host", "nexus.lan:" + port, "Origin", "http://nexus.lan:" + port).status()).isEqualTo(201);
        assertThat(admin.send("GET", "/providers", null, "Host", "10.0.0.7:9000").status()).isEqualTo(200);
        assertThat(admin.send("GET", "/providers", null, "Host", "10.0.0.7:" + port).status()).isEqualTo(403);
        assertThat(admin.send("GET", "/providers", null, "Host", "localhost:" + port).status()).isEqualTo(200);
        assertThat(admin.send("GET", "/providers", null, "Host", "other.lan:" + port).status()).isEqualTo(403);
    }
}
