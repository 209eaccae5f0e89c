package nexus.shared.db;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What a model costs, each price null when not set: tokens per million ({@code cachedInputPrice} and
 * {@code cacheWritePrice} default to {@code inputPrice}), an image, a second of video, and a call. Immutable.
 */
public record ModelPrices(BigDecimal inputPrice, BigDecimal outputPrice, BigDecimal cachedInputPrice,
                         BigDecimal cacheWritePrice, BigDecimal imagePrice, BigDecimal videoPricePerSecond,
                         BigDecimal requestPrice) {

    public static final ModelPrices NONE = new ModelPrices(null, null, null, null, null, null, null);
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /** True when any price is set. */
    public boolean priced() {
        return inputPrice != null || outputPrice != null || cachedInputPrice != null || cacheWritePrice != null
                || imagePrice != null || videoPricePerSecond != null || requestPrice != null;
    }

    /**
     * The cost, in nano-units, of a call that used these counts. Of the prompt tokens, {@code cacheRead} are priced at
     * the cached-input price and {@code cacheWrite} at the cache-write price, the rest at the input price.
     */
    public long costNanos(long promptTokens, long completionTokens, long cacheRead, long cacheWrite, long images,
                          long videoSeconds) {
        if (!priced()) {
            return 0;
        }
        long uncached = Math.max(0, promptTokens - cacheRead - cacheWrite);
        BigDecimal perMillion = times(inputPrice, uncached)
                .add(times(cachedInputPrice != null ? cachedInputPrice : inputPrice, cacheRead))
                .add(times(cacheWritePrice != null ? cacheWritePrice : inputPrice, cacheWrite))
                .add(times(outputPrice, completionTokens));
        BigDecimal cost = perMillion.divide(MILLION)
                .add(times(imagePrice, images))
                .add(times(videoPricePerSecond, videoSeconds))
                .add(times(requestPrice, 1));
        return cost.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    private static BigDecimal times(BigDecimal price, long count) {
        return price == null || count == 0 ? BigDecimal.ZERO : price.multiply(BigDecimal.valueOf(count));
    }
}
