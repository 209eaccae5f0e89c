package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The address the admin is bound to is a Host it answers to, IPv6 in brackets. */
class BoundAddressApiTest {

    @RegisterExtension
    final AdminServer admin = AdminServer.perTest(config -> config.withBindHost("::1"));

    @Test
    void an_admin_bound_to_the_ipv6_loopback_answers_to_it_and_to_localhost_only() {
        String port = Integer.toString(admin.port());

        assertThat(admin.send("GET", "/providers", null, "Host", "[::1]:" + port).status()).isEqualTo(200);
        assertThat(admin.send("GET", "/providers", null, "Host", "[::1]").status()).isEqualTo(200);
        assertThat(admin.send("GET", "/providers", null, "Host", "localhost:" + port).status()).isEqualTo(200);
        assertThat(admin.send("GET", "/providers", null, "Host", "127.0.0.1:" + port).status()).isEqualTo(403);
    }
}
