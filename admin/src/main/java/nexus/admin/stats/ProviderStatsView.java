package nexus.admin.stats;

import nexus.shared.db.ProviderUsage;
import nexus.shared.money.Money;

/** One provider's line in the total stats or a usage report, the cost as a decimal string. Immutable. */
public record ProviderStatsView(long providerId, String providerName, long requests, long promptTokens,
                                long completionTokens, long totalTokens, String cost) {

    static ProviderStatsView of(ProviderUsage usage) {
        return new ProviderStatsView(usage.providerId(), usage.providerName(), usage.requests(), usage.promptTokens(),
                usage.completionTokens(), usage.totalTokens(), Money.format(usage.costNanos()));
    }
}
