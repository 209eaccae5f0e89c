package nexus.admin.provider;

import nexus.shared.db.ModelPrices;
import nexus.shared.db.ProviderModel;
import nexus.shared.money.Money;

/**
 * A provider model as the admin API shows it: prices as decimal strings (null when not set) in the instance's
 * currency, the creation time as ISO-8601 UTC. Immutable.
 */
public record ProviderModelView(long id, long providerId, String modelName, String type, String description,
                                boolean enabled, String inputPrice, String outputPrice, String cachedInputPrice,
                                String cacheWritePrice, String imagePrice, String videoPricePerSecond,
                                String requestPrice, String currency, int maxOutputTokens, String createdAt) {

    public static ProviderModelView of(ProviderModel model, String currency) {
        ModelPrices prices = model.prices();
        return new ProviderModelView(model.id(), model.providerId(), model.modelName(), model.type().wireName(),
                model.description(), model.enabled(), Money.format(prices.inputPrice()),
                Money.format(prices.outputPrice()), Money.format(prices.cachedInputPrice()),
                Money.format(prices.cacheWritePrice()), Money.format(prices.imagePrice()),
                Money.format(prices.videoPricePerSecond()), Money.format(prices.requestPrice()), currency,
                model.maxOutputTokens(), Timestamps.iso(model.createdAtMillis()));
    }
}
