package nexus.admin.stats;

import java.util.List;

import nexus.shared.db.ModelUsage;
import nexus.shared.db.UsageTotals;
import nexus.shared.money.Money;
import nexus.shared.usage.ModelLine;

/** The body of {@code GET /stats/conversation/{conversation_id}}; {@code cost} is in {@code currency}. Immutable. */
public record ConversationStatsView(String conversationId, long totalRequests, long promptTokens,
                                    long completionTokens, long totalTokens, String cost, String currency,
                                    List<ModelLine> byModel) {

    static ConversationStatsView of(String conversationId, UsageTotals totals, List<ModelUsage> byModel,
                                    String currency) {
        return new ConversationStatsView(conversationId, totals.requests(), totals.promptTokens(),
                totals.completionTokens(), totals.totalTokens(), Money.format(totals.costNanos()), currency,
                byModel.stream().map(ModelLine::of).toList());
    }
}
