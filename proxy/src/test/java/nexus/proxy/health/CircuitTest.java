package nexus.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import nexus.proxy.health.Circuit.State;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.ResponsesMode;

/** The breaker's state machine, stepped with a clock the test moves; no waiting. */
class CircuitTest {

    private static final HealthSettings SETTINGS =
            new HealthSettings(3, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(100));

    private long now = 1_000;  // nanoseconds of the test's clock
    private final TargetHealth health = new TargetHealth(SETTINGS, () -> now);
    private final Circuit circuit = health.circuit(provider("key-1"), "gpt-4");

    @Test
    void opensOnlyAfterTheThirdFailureWithinTheWindow() {
        circuit.failed(10, "HTTP 503");
        circuit.failed(10, "HTTP 503");
        assertThat(circuit.state()).isEqualTo(State.CLOSED);
        assertThat(circuit.tryAcquire()).isTrue();

        circuit.failed(10, "HTTP 503");

        assertThat(circuit.state()).isEqualTo(State.OPEN);
        assertThat(circuit.tryAcquire()).isFalse();
        assertThat(circuit.lastError()).isEqualTo("HTTP 503");
    }

    @Test
    void failuresSpreadWiderThanTheWindowDoNotOpenIt() {
        circuit.failed(10, "first");
        advance(Duration.ofSeconds(40));
        circuit.failed(10, "second");
        advance(Duration.ofSeconds(40));
        circuit.failed(10, "third");  // the first is 80 s old now

        assertThat(circuit.state()).isEqualTo(State.CLOSED);

        circuit.failed(10, "fourth");  // the last three span 40 s

        assertThat(circuit.state()).isEqualTo(State.OPEN);
    }

    @Test
    void afterTheCooldownExactlyOneRequestProbesAndItsSuccessClosesTheCircuit() {
        open();
        advance(Duration.ofSeconds(29));
        assertThat(circuit.tryAcquire()).isFalse();
        advance(Duration.ofSeconds(1));

        assertThat(circuit.tryAcquire()).as("the probe").isTrue();
        assertThat(circuit.state()).isEqualTo(State.HALF_OPEN);
        assertThat(circuit.tryAcquire()).as("a second request while the probe runs").isFalse();

        circuit.succeeded(20, -1);

        assertThat(circuit.state()).isEqualTo(State.CLOSED);
        assertThat(circuit.tryAcquire()).isTrue();
    }

    @Test
    void aFailedProbeReopensForTwiceTheCooldownUpToTheMaximum() {
        open();
        advance(Duration.ofSeconds(30));
        assertThat(circuit.tryAcquire()).isTrue();
        circuit.failed(10, "probe failed");
        assertThat(circuit.state()).isEqualTo(State.OPEN);

        advance(Duration.ofSeconds(59));
        assertThat(circuit.tryAcquire()).as("60 s cooldown not over").isFalse();
        advance(Duration.ofSeconds(1));
        assertThat(circuit.tryAcquire()).isTrue();
        circuit.failed(10, "probe failed again");

        advance(Duration.ofSeconds(99));
        assertThat(circuit.tryAcquire()).as("capped at 100 s, not 120 s").isFalse();
        advance(Duration.ofSeconds(1));
        assertThat(circuit.tryAcquire()).isTrue();
        circuit.succeeded(10, -1);

        open();  // a success reset the cooldown to 30 s
        advance(Duration.ofSeconds(30));
        assertThat(circuit.tryAcquire()).isTrue();
    }

    @Test
    void requestsUnderWayWhenItOpenedDoNotLengthenTheCooldownButATryStartedAfterDoes() {
        open();
        advance(Duration.ofMillis(200));
        circuit.failed(1_000, "in flight since before it opened");
        circuit.failed(250, "in flight since before it opened");

        advance(Duration.ofSeconds(30).minusMillis(200));
        assertThat(circuit.tryAcquire()).as("still the first cooldown of 30 s").isTrue();
        circuit.released();

        circuit.failed(10, "tried anyway after it opened, and failed");  // e.g. every target was open
        advance(Duration.ofSeconds(59));
        assertThat(circuit.tryAcquire()).as("re-opened for 60 s").isFalse();
        advance(Duration.ofSeconds(1));
        assertThat(circuit.tryAcquire()).isTrue();
    }

    @Test
    void aProbeWhoseClientLeftLetsTheNextRequestProbe() {
        open();
        advance(Duration.ofSeconds(30));
        assertThat(circuit.tryAcquire()).isTrue();

        circuit.released();

        assertThat(circuit.state()).isEqualTo(State.OPEN);
        assertThat(circuit.tryAcquire()).isTrue();
    }

    @Test
    void aRefusedServerKeyIsSkippedUntilTheProviderRowChanges() {
        circuit.misconfigured(5, "HTTP 401");
        advance(Duration.ofMinutes(30));

        assertThat(circuit.state()).isEqualTo(State.MISCONFIGURED);
        assertThat(circuit.tryAcquire()).isFalse();

        health.circuit(provider("key-1"), "gpt-4");  // a reload with the same row
        assertThat(circuit.state()).isEqualTo(State.MISCONFIGURED);

        Circuit reloaded = health.circuit(provider("key-2"), "gpt-4");  // the row was edited

        assertThat(reloaded).isSameAs(circuit);
        assertThat(circuit.state()).isEqualTo(State.CLOSED);
        assertThat(circuit.tryAcquire()).isTrue();
    }

    @Test
    void theReportCoversTheWindowOnly() {
        circuit.failed(400, "old");
        advance(Duration.ofSeconds(61));
        circuit.succeeded(100, 30);
        circuit.succeeded(200, 50);
        circuit.failed(300, "HTTP 503");

        HealthWindow.Report report = circuit.report();

        assertThat(report.requests()).isEqualTo(3);
        assertThat(report.errorRate()).isEqualTo(1.0 / 3);
        assertThat(report.p50Millis()).isEqualTo(200);
        assertThat(report.p95Millis()).isEqualTo(300);
        assertThat(report.ttftP50Millis()).isEqualTo(30);
    }

    private void open() {
        for (int failure = 0; failure < SETTINGS.failures(); failure++) {
            circuit.failed(10, "HTTP 503");
        }
        assertThat(circuit.state()).isEqualTo(State.OPEN);
    }

    private void advance(Duration by) {
        now += TimeUnit.NANOSECONDS.convert(by);
    }

    private static Provider provider(String serverKey) {
        return new Provider(7, "Primary", ProviderKind.OPENAI, "http://127.0.0.1:1/v1", serverKey, "client-key", "",
                true, 1L, "", ResponsesMode.values()[0]);
    }
}
