package nexus.proxy.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class AccountsMonthTest {

    private static YearMonth monthAt(String instant) {
        return Accounts.month(Clock.fixed(Instant.parse(instant), ZoneOffset.ofHours(8)));
    }

    @Test
    void the_month_is_the_utc_one_at_both_edges_and_follows_a_clock_that_moves_back() {
        assertThat(monthAt("2026-12-31T23:59:59.999Z")).isEqualTo(YearMonth.of(2026, 12));
        assertThat(monthAt("2027-01-01T00:00:00Z")).isEqualTo(YearMonth.of(2027, 1));
        assertThat(monthAt("2026-12-31T23:59:59.999Z")).isEqualTo(YearMonth.of(2026, 12));
        assertThat(monthAt("2028-02-29T12:00:00Z")).isEqualTo(YearMonth.of(2028, 2));
        assertThat(monthAt("2028-03-01T00:00:00Z")).isEqualTo(YearMonth.of(2028, 3));
        assertThat(monthAt("1969-12-31T23:59:59.999Z")).isEqualTo(YearMonth.of(1969, 12));
        assertThat(monthAt("1970-01-01T00:00:00Z")).isEqualTo(YearMonth.of(1970, 1));
    }
}
