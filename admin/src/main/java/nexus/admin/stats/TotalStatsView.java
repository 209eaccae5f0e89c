package nexus.admin.stats;

import java.util.List;

import nexus.shared.db.ModelUsage;
import nexus.shared.db.ProviderUsage;
import nexus.shared.db.UsageTotals;

/** The body of {@code GET /stats/total}. Immutable. */
public record TotalStatsView(long totalRequests, long promptTokens, long completionTokens, long totalTokens,
                             List<ProviderStatsView> byProvider, List<ModelStatsView> byModel) {

    static TotalStatsView of(UsageTotals totals, List<ProviderUsage> byProvider, List<ModelUsage> byModel) {
        return new TotalStatsView(totals.requests(), totals.promptTokens(), totals.completionTokens(),
                totals.totalTokens(), byProvider.stream().map(ProviderStatsView::of).toList(),
                byModel.stream().map(ModelStatsView::of).toList());
    }
}
