package nexus.shared.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import nexus.shared.error.ApiError;

class MoneyTest {

    @ParameterizedTest(name = "{0} nano-units are \"{1}\"")
    @CsvSource({"0, 0.00", "20000000000, 20.00", "67500, 0.0000675", "100000000, 0.10", "1, 0.000000001",
            "-1, -0.000000001", "-7250000, -0.00725", "123456789012, 123.456789012", "9223372036854775807,"
            + " 9223372036.854775807", "-9223372036854775808, -9223372036.854775808"})
    void an_amount_is_shown_with_every_non_zero_decimal_and_at_least_two(long nanos, String shown) {
        assertThat(Money.format(nanos)).isEqualTo(shown);
        assertThat(new BigDecimal(shown).movePointRight(9).longValueExact()).isEqualTo(nanos);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "-1", "+1", "1e3", "1E3", "0x10", " 1", "1.", ".5", "1,5", "1.0000000000001",
            "1000000000.01", "NaN", "Infinity"})
    void anything_but_plain_digits_up_to_a_billion_is_refused_naming_the_field(String text) {
        assertThatThrownBy(() -> Money.parse(text, "amount")).isInstanceOf(ApiError.class)
                .satisfies(error -> assertThat(((ApiError) error).param()).isEqualTo("amount"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"0", "20.00", "0.000000000001", "1000000000", "007.5"})
    void a_plain_decimal_is_taken_exactly(String text) {
        assertThat(Money.parse(text, "amount")).isEqualByComparingTo(new BigDecimal(text));
    }
}
