package nexus.admin.stats;

import nexus.shared.db.ModelUsage;

/** One model's line in the total or conversation stats. Immutable. */
public record ModelStatsView(String model, long requests, long promptTokens, long completionTokens,
                             long totalTokens) {

    static ModelStatsView of(ModelUsage usage) {
        return new ModelStatsView(usage.model(), usage.requests(), usage.promptTokens(), usage.completionTokens(),
                usage.totalTokens());
    }
}
