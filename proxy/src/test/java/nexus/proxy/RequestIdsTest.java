package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void an_id_made_in_a_later_millisecond_sorts_after_an_earlier_one() {
        String earlier = RequestIds.create();
        long millis = System.currentTimeMillis();
        while (System.currentTimeMillis() == millis) {
            Thread.onSpinWait();  // until the clock moves on
        }
        String later = RequestIds.create();

        assertThat(earlier).matches("req_[0-9a-f]{24}");
        assertThat(later).matches("req_[0-9a-f]{24}").isGreaterThan(earlier);
    }
}
