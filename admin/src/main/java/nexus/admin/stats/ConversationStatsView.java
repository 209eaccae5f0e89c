package nexus.admin.stats;

import java.util.List;

import nexus.shared.db.ModelUsage;
import nexus.shared.db.UsageTotals;

/** The body of {@code GET /stats/conversation/{conversation_id}}. Immutable. */
public record ConversationStatsView(String conversationId, long totalRequests, long promptTokens,
                                    long completionTokens, long totalTokens, List<ModelStatsView> byModel) {

    static ConversationStatsView of(String conversationId, UsageTotals totals, List<ModelUsage> byModel) {
        return new ConversationStatsView(conversationId, totals.requests(), totals.promptTokens(),
                totals.completionTokens(), totals.totalTokens(), byModel.stream().map(ModelStatsView::of).toList());
    }
}
