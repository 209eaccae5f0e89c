package nexus.shared.db;

import java.math.BigDecimal;

/**
 * What a model costs, each price null when not set: tokens per million ({@code cachedInputPrice} and
 * {@code cacheWritePrice} default to {@code inputPrice}), an image, a second of video, and a call. Immutable.
 */
public record ModelPrices(BigDecimal inputPrice, BigDecimal outputPrice, BigDecimal cachedInputPrice,
                         BigDecimal cacheWritePrice, BigDecimal imagePrice, BigDecimal videoPricePerSecond,
                         BigDecimal requestPrice) {

    public static final ModelPrices NONE = new ModelPrices(null, null, null, null, null, null, null);

    /** True when any price is set. */
    public boolean priced() {
        return inputPrice != null || outputPrice != null || cachedInputPrice != null || cacheWritePrice != null
                || imagePrice != null || videoPricePerSecond != null || requestPrice != null;
    }

}
