package nexus.shared.db;

/** Usage sums and cost (nano-units) for one provider. */
public record ProviderUsage(long providerId, String providerName, long requests, long promptTokens,
                            long completionTokens, long totalTokens, long costNanos) {}
