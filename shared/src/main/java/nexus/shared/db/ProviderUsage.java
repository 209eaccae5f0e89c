package nexus.shared.db;

/** Usage sums for one provider. */
public record ProviderUsage(long providerId, String providerName, long requests, long promptTokens,
                            long completionTokens, long totalTokens) {}
