package nexus.admin.stats;

import java.util.List;

import nexus.shared.db.ModelUsage;
import nexus.shared.db.ProviderUsage;
import nexus.shared.db.UsageTotals;
import nexus.shared.money.Money;
import nexus.shared.usage.ModelLine;

/** The body of {@code GET /stats/total}; {@code cost} is a decimal string in {@code currency}. Immutable. */
public record TotalStatsView(long totalRequests, long promptTokens, long completionTokens, long totalTokens,
                             String cost, String currency, List<ProviderStatsView> byProvider,
                             List<ModelLine> byModel) {

    static TotalStatsView of(UsageTotals totals, List<ProviderUsage> byProvider, List<ModelUsage> byModel,
                             String currency) {
        return new TotalStatsView(totals.requests(), totals.promptTokens(), totals.completionTokens(),
                totals.totalTokens(), Money.format(totals.costNanos()), currency,
                byProvider.stream().map(ProviderStatsView::of).toList(),
                byModel.stream().map(ModelLine::of).toList());
    }
}
