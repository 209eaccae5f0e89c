package nexus.proxy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.Function;

import nexus.proxy.ModelsHandler.Pricing;
import nexus.proxy.routing.Target;
import nexus.shared.db.ModelPrices;

/** The lowest and highest of each price among a route's priced targets, as the models listing shows prices. */
public record PriceRange(Pricing min, Pricing max) {

    /** The range over these targets, or null when none is priced. */
    static PriceRange of(List<Target> targets, String currency) {
        List<ModelPrices> priced = targets.stream().map(Target::prices).filter(ModelPrices::priced).toList();
        if (priced.isEmpty()) {
            return null;
        }
        return new PriceRange(Pricing.of(each(priced, BigDecimal::min), currency),
                Pricing.of(each(priced, BigDecimal::max), currency));
    }

    /** Each price folded over the list with {@code pick}, skipping the ones not set. */
    private static ModelPrices each(List<ModelPrices> prices, BinaryOperator<BigDecimal> pick) {
        return new ModelPrices(fold(prices, ModelPrices::inputPrice, pick), fold(prices, ModelPrices::outputPrice, pick),
                fold(prices, ModelPrices::cachedInputPrice, pick), fold(prices, ModelPrices::cacheWritePrice, pick),
                fold(prices, ModelPrices::imagePrice, pick), fold(prices, ModelPrices::videoPricePerSecond, pick),
                fold(prices, ModelPrices::requestPrice, pick));
    }

    private static BigDecimal fold(List<ModelPrices> prices, Function<ModelPrices, BigDecimal> price,
                                   BinaryOperator<BigDecimal> pick) {
        return prices.stream().map(price).filter(Objects::nonNull).reduce(pick).orElse(null);
    }
}
