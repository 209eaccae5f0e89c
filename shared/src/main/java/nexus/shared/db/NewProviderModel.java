package nexus.shared.db;

/** The columns of a provider model row about to be inserted. */
public record NewProviderModel(long providerId, String modelName, String description, boolean enabled,
                               long createdAtMillis, ModelType type, ModelPrices prices,
                               int maxOutputTokens) {}
