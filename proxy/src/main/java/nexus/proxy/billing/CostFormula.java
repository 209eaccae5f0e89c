package nexus.proxy.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;

import nexus.shared.db.ModelPrices;
import nexus.shared.money.Money;

/**
 * A model's prices turned into what one unit costs in nano-units, once per configuration rather than per call: per
 * token for the token prices (per million → ×1,000), per image, second of video and call (×10^9). When every such
 * rate is a whole number — as it is for prices of up to three decimals per million tokens — a cost is summed in
 * {@code long}s; otherwise exactly in {@code BigDecimal}, rounded half up to a nano-unit. One call costs at most
 * {@link Money#MAX} (a billion units), so that sums of costs stay far inside a {@code long}. Immutable.
 */
public final class CostFormula {

    /** Per unit, in this order: uncached input token, cached input token, cache write token, output token, image,
     * second of video, call. */
    private static final long MOST_NANOS = Money.MAX.movePointRight(9).longValueExact();

    private final BigDecimal[] exact;
    private final long[] whole;  // null when some rate has a fraction of a nano-unit
    private final boolean priced;

    private CostFormula(BigDecimal[] exact, boolean priced) {
        this.exact = exact;
        this.priced = priced;
        this.whole = wholeRates(exact);
    }

    public static CostFormula of(ModelPrices prices) {
        BigDecimal input = perToken(prices.inputPrice());
        return new CostFormula(new BigDecimal[] {
                input,
                prices.cachedInputPrice() != null ? perToken(prices.cachedInputPrice()) : input,
                prices.cacheWritePrice() != null ? perToken(prices.cacheWritePrice()) : input,
                perToken(prices.outputPrice()),
                perItem(prices.imagePrice()),
                perItem(prices.videoPricePerSecond()),
                perItem(prices.requestPrice())}, prices.priced());
    }

    /** True when the model has any price. */
    public boolean priced() {
        return priced;
    }

    /**
     * The cost, in nano-units, of a call that used these counts. Of the prompt tokens, {@code cacheRead} are priced at
     * the cached-input price and {@code cacheWrite} at the cache-write price, the rest at the input price.
     */
    public long costNanos(long promptTokens, long completionTokens, long cacheRead, long cacheWrite, long images,
                          long videoSeconds) {
        if (!priced) {
            return 0;
        }
        long[] counts = {Math.max(0, promptTokens - cacheRead - cacheWrite), cacheRead, cacheWrite, completionTokens,
                images, videoSeconds, 1};
        if (whole != null) {
            try {
                long total = 0;
                for (int index = 0; index < counts.length; index++) {
                    total = Math.addExact(total, Math.multiplyExact(counts[index], whole[index]));
                }
                return Math.min(total, MOST_NANOS);
            } catch (ArithmeticException overflow) {
                return MOST_NANOS;
            }
        }
        BigDecimal total = BigDecimal.ZERO;
        for (int index = 0; index < counts.length; index++) {
            total = total.add(exact[index].multiply(BigDecimal.valueOf(counts[index])));
        }
        return total.setScale(0, RoundingMode.HALF_UP).min(BigDecimal.valueOf(MOST_NANOS)).longValueExact();
    }

    private static BigDecimal perToken(BigDecimal perMillion) {
        return perMillion == null ? BigDecimal.ZERO : perMillion.movePointRight(3);  // ×10^9 nano-units / 10^6 tokens
    }

    private static BigDecimal perItem(BigDecimal price) {
        return price == null ? BigDecimal.ZERO : price.movePointRight(9);
    }

    private static long[] wholeRates(BigDecimal[] exact) {
        long[] rates = new long[exact.length];
        for (int index = 0; index < exact.length; index++) {
            BigDecimal rate = exact[index].stripTrailingZeros();
            if (rate.scale() > 0 || rate.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                return null;
            }
            rates[index] = rate.longValueExact();
        }
        return rates;
    }
}
