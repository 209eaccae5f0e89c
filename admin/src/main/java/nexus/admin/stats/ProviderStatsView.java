package nexus.admin.stats;

import nexus.shared.db.ProviderUsage;

/** One provider's line in the total stats. Immutable. */
public record ProviderStatsView(long providerId, String providerName, long requests, long promptTokens,
                                long completionTokens, long totalTokens) {

    static ProviderStatsView of(ProviderUsage usage) {
        return new ProviderStatsView(usage.providerId(), usage.providerName(), usage.requests(), usage.promptTokens(),
                usage.completionTokens(), usage.totalTokens());
    }
}
