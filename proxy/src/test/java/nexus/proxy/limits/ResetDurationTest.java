package nexus.proxy.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Reset times read as OpenAI writes them: {@code 20ms}, {@code 1s}, {@code 6m0s}, rounded up to the millisecond. */
class ResetDurationTest {

    @Test
    void durations_read_as_openai_writes_them() {
        assertThat(format(Duration.ZERO)).isEqualTo("0s");
        assertThat(format(Duration.ofNanos(1))).isEqualTo("1ms");
        assertThat(format(Duration.ofMillis(20))).isEqualTo("20ms");
        assertThat(format(Duration.ofMillis(999))).isEqualTo("999ms");
        assertThat(format(Duration.ofSeconds(1))).isEqualTo("1s");
        assertThat(format(Duration.ofMillis(8_640))).isEqualTo("8.64s");
        assertThat(format(Duration.ofMillis(1_050))).isEqualTo("1.05s");
        assertThat(format(Duration.ofMillis(1_005))).isEqualTo("1.005s");
        assertThat(format(Duration.ofMinutes(6))).isEqualTo("6m0s");
        assertThat(format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(format(Duration.ofHours(1).plusMinutes(2).plusMillis(3_500))).isEqualTo("1h2m3.5s");
        assertThat(format(Duration.ofHours(2))).isEqualTo("2h0m0s");
        assertThat(format(Duration.ofNanos(1_000_000_001))).isEqualTo("1.001s");
    }

    @Test
    void a_negative_duration_reads_as_zero() {
        assertThat(ResetDuration.format(-5)).isEqualTo("0s");
    }

    private static String format(Duration duration) {
        return ResetDuration.format(duration.toNanos());
    }
}
