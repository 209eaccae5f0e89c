package nexus.shared.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MockSettingsTest {

    @Test
    void an_empty_url_means_the_defaults() {
        assertThat(MockSettings.parse("")).isEqualTo(MockSettings.DEFAULTS);
        assertThat(MockSettings.parse(null)).isEqualTo(MockSettings.DEFAULTS);
    }

    @Test
    void chunks_and_delay_are_read_from_the_query() {
        assertThat(MockSettings.parse("mock://local?chunks=3&delay_ms=0")).isEqualTo(new MockSettings(3, 0));
        assertThat(MockSettings.parse("mock://local?delay_ms=5")).isEqualTo(new MockSettings(8, 5));
    }

    @Test
    void bad_settings_are_refused_with_their_name() {
        assertThatThrownBy(() -> MockSettings.parse("http://x")).hasMessageContaining("mock://");
        assertThatThrownBy(() -> MockSettings.parse("mock://local?chunks=0")).hasMessageContaining("chunks");
        assertThatThrownBy(() -> MockSettings.parse("mock://local?delay_ms=abc")).hasMessageContaining("delay_ms");
        assertThatThrownBy(() -> MockSettings.parse("mock://local?speed=1")).hasMessageContaining("speed");
    }
}
