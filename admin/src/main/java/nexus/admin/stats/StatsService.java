package nexus.admin.stats;

import nexus.shared.db.Database;
import nexus.shared.db.UsageDao;
import nexus.shared.db.UsageTotals;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;

/** Sums the usage rows the proxy wrote; knows nothing of HTTP. Thread-safe. */
public final class StatsService {

    private final Database database;
    private final String currency;

    public StatsService(Database database, String currency) {
        this.database = database;
        this.currency = currency;
    }

    /** Everything ever recorded, in total, by provider and by model, read in one transaction so the sums agree. */
    public TotalStatsView total() {
        return database.inReadTransaction(handle -> {
            UsageDao usage = handle.attach(UsageDao.class);
            return TotalStatsView.of(usage.totals(), usage.byProvider(), usage.byModel(), currency);
        });
    }

    /** One conversation's sums; 404 when no request of it was ever recorded. */
    public ConversationStatsView conversation(String conversationId) {
        return database.inReadTransaction(handle -> {
            UsageDao usage = handle.attach(UsageDao.class);
            UsageTotals totals = usage.conversationTotals(conversationId);
            if (totals.requests() == 0) {
                throw ApiError.of(ErrorCode.NOT_FOUND, "conversation_id",
                        "Conversation '" + conversationId + "' not found.");
            }
            return ConversationStatsView.of(conversationId, totals, usage.conversationByModel(conversationId),
                    currency);
        });
    }
}
