package nexus.shared.db;

/** One row of {@code provider_model}: a model name a provider serves, and what kind of model it is. */
public record ProviderModel(long id, long providerId, String modelName, String description, boolean enabled,
                            long createdAtMillis, ModelType type) {}
