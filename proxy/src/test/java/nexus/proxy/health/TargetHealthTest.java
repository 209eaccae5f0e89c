package nexus.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import nexus.proxy.health.Circuit.State;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.ResponsesMode;

/** Which circuit a target gets: the instance-wide one, or one of a route that sets health settings of its own. */
class TargetHealthTest {

    private static final HealthSettings INSTANCE =
            new HealthSettings(5, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofMinutes(10));
    private static final HealthSettings STRICT =
            new HealthSettings(1, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofMinutes(10));
    private static final Provider PROVIDER = new Provider(7, "Primary", ProviderKind.OPENAI, "http://127.0.0.1:1/v1",
            "server-key", "client-key", "", true, 1L, "", ResponsesMode.values()[0]);

    private long now = 1_000;  // nanoseconds of the test's clock
    private final TargetHealth health = new TargetHealth(INSTANCE, () -> now);

    @Test
    void a_route_with_the_instances_settings_shares_the_instance_wide_circuit() {
        Circuit shared = health.circuit(PROVIDER, "gpt-4");

        assertThat(health.circuit(PROVIDER, "gpt-4", "fast", INSTANCE)).isSameAs(shared);
        assertThat(shared.route()).isEmpty();
    }

    @Test
    void each_route_with_settings_of_its_own_has_a_circuit_of_its_own_named_by_the_route() {
        Circuit fast = health.circuit(PROVIDER, "gpt-4", "fast", STRICT);
        Circuit cheap = health.circuit(PROVIDER, "gpt-4", "cheap", STRICT);

        fast.failed(10, "HTTP 503");

        assertThat(fast.route()).isEqualTo("fast");
        assertThat(cheap.route()).isEqualTo("cheap");
        assertThat(fast.state()).isEqualTo(State.OPEN);
        assertThat(cheap.state()).as("the same settings, another route").isEqualTo(State.CLOSED);
        assertThat(health.circuit(PROVIDER, "gpt-4").state()).isEqualTo(State.CLOSED);
        assertThat(health.circuit(PROVIDER, "gpt-4", "fast", STRICT)).as("a reload keeps it").isSameAs(fast);
        assertThat(health.circuits()).hasSize(3);
    }

    @Test
    void a_route_whose_settings_changed_gets_a_fresh_circuit_in_place_of_its_old_one() {
        Circuit before = health.circuit(PROVIDER, "gpt-4", "fast", STRICT);
        before.failed(10, "HTTP 503");
        before.takeChanged();

        HealthSettings lenient = new HealthSettings(3, Duration.ofSeconds(60), Duration.ofSeconds(5),
                Duration.ofMinutes(10));
        Circuit after = health.circuit(PROVIDER, "gpt-4", "fast", lenient);

        assertThat(after).isNotSameAs(before);
        assertThat(after.state()).isEqualTo(State.CLOSED);
        assertThat(after.takeChanged()).as("published, so its row no longer shows the old state").isTrue();
        assertThat(health.circuits()).containsExactly(after);
    }
}
