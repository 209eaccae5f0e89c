package nexus.admin.stats;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

import nexus.shared.db.ApiKey;
import nexus.shared.db.ApiKeyDao;
import nexus.shared.db.Database;
import nexus.shared.db.UsageRange;
import nexus.shared.db.UsageReportDao;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;
import nexus.shared.usage.DayModelReport;
import nexus.shared.usage.TotalsLine;
import nexus.shared.usage.UsageWindow;

/** Usage over the last days (UTC), grouped, or for one issued key; knows nothing of HTTP. Thread-safe. */
public final class UsageReportService {

    private final Database database;
    private final Clock clock;
    private final String currency;

    public UsageReportService(Database database, Clock clock, String currency) {
        this.database = database;
        this.clock = clock;
        this.currency = currency;
    }

    /** The last {@code days} days' totals and lines in one grouping, read in one transaction so the sums agree. */
    UsageGroupsView grouped(int days, GroupBy groupBy) {
        UsageWindow window = UsageWindow.lastDays(today(), days);
        return database.inReadTransaction(handle -> {
            UsageRange range = window.allRows();
            var totals = TotalsLine.of(handle.attach(UsageReportDao.class).totals(range.condition(), range));
            return new UsageGroupsView(days, groupBy.wireName(), window.first().toString(), window.last().toString(),
                    currency, totals, groupBy.lines(handle, window));
        });
    }

    /** One issued key's last {@code days} days by day and model; 404 when the key is unknown or revoked. */
    KeyUsageView ofKey(long keyId, int days) {
        UsageWindow window = UsageWindow.lastDays(today(), days);
        return database.inReadTransaction(handle -> {
            ApiKey key = handle.attach(ApiKeyDao.class).findActive(keyId).orElseThrow(() -> ApiError.of(
                    ErrorCode.NOT_FOUND, "id", "Key " + keyId + " not found (or revoked; its usage stays in"
                            + " GET /stats/usage?group_by=key)."));
            return new KeyUsageView(key.id(), key.name(), days,
                    DayModelReport.read(handle, window, window.rowsOfKey(keyId), currency));
        });
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
