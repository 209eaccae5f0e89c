package nexus.proxy.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;

import org.junit.jupiter.api.Test;

import nexus.shared.db.ModelPrices;

class CostFormulaTest {

    private static ModelPrices prices(String input, String output, String cached, String cacheWrite, String image,
                                      String videoSecond, String request) {
        return new ModelPrices(decimal(input), decimal(output), decimal(cached), decimal(cacheWrite), decimal(image),
                decimal(videoSecond), decimal(request));
    }

    private static BigDecimal decimal(String text) {
        return text == null ? null : new BigDecimal(text);
    }

    @Test
    void cached_and_cache_write_tokens_are_priced_once_each_at_their_own_price() {
        CostFormula formula = CostFormula.of(prices("2.50", "10", "1.25", "3.75", null, null, null));

        // 1000 prompt tokens: 600 uncached at 2.50, 300 cached at 1.25, 100 written at 3.75; 500 out at 10
        long expected = (600 * 2_500L) + (300 * 1_250L) + (100 * 3_750L) + (500 * 10_000L);
        assertThat(formula.costNanos(1000, 500, 300, 100, 0, 0)).isEqualTo(expected);
    }

    @Test
    void unset_cache_prices_fall_back_to_the_input_price_and_per_item_prices_add_up() {
        CostFormula formula = CostFormula.of(prices("2", null, null, null, "0.04", "0.10", "0.001"));

        assertThat(formula.costNanos(1000, 0, 400, 100, 2, 8))
                .isEqualTo(1000 * 2_000L + 2 * 40_000_000L + 8 * 100_000_000L + 1_000_000L);
    }

    @Test
    void a_price_with_a_fraction_of_a_nano_unit_per_token_is_summed_exactly_and_rounded_half_up() {
        CostFormula formula = CostFormula.of(prices("0.0001", "0.0015", null, null, null, null, null));

        BigDecimal exact = new BigDecimal("0.0001").movePointRight(3).multiply(BigDecimal.valueOf(7))
                .add(new BigDecimal("0.0015").movePointRight(3).multiply(BigDecimal.valueOf(3)));
        assertThat(formula.costNanos(7, 3, 0, 0, 0, 0))
                .isEqualTo(exact.setScale(0, RoundingMode.HALF_UP).longValueExact())
                .isEqualTo(5L);  // 0.7 + 4.5 = 5.2 nano-units
    }

    @Test
    void one_call_costs_at_most_a_billion_units_however_absurd_its_prices() {
        long billion = 1_000_000_000L * 1_000_000_000L;

        assertThat(CostFormula.of(prices("1000000000", null, null, null, null, null, null))
                .costNanos(10_000_000, 0, 0, 0, 0, 0)).isEqualTo(billion);
        assertThat(CostFormula.of(prices("1000000000", null, null, null, null, null, null))
                .costNanos(999, 0, 0, 0, 0, 0)).isEqualTo(999L * 1_000_000_000_000L);
        assertThat(CostFormula.of(prices("999999999.0000001", null, null, null, null, null, null))
                .costNanos(Long.MAX_VALUE / 2, 0, 0, 0, 0, 0)).isEqualTo(billion);
    }

    @Test
    void an_unpriced_model_costs_nothing() {
        CostFormula free = CostFormula.of(ModelPrices.NONE);

        assertThat(free.costNanos(1_000_000, 1_000_000, 0, 0, 5, 5)).isZero();
        assertThat(free.priced()).isFalse();
    }
}
