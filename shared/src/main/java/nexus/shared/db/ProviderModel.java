package nexus.shared.db;

import org.jdbi.v3.core.mapper.Nested;

/**
 * One row of {@code provider_model}: a model name a provider serves, what kind of model it is, what it costs, and the
 * most tokens an answer may have when a request does not say (what a balance must cover for it).
 */
public record ProviderModel(long id, long providerId, String modelName, String description, boolean enabled,
                            long createdAtMillis, ModelType type, @Nested ModelPrices prices, int maxOutputTokens) {

    /** The answer length assumed when neither the request nor the model says. */
    public static final int DEFAULT_MAX_OUTPUT_TOKENS = 4096;

    public ProviderModel {
        prices = prices == null ? ModelPrices.NONE : prices;
    }
}
