package nexus.shared.usage;

import java.util.List;

import org.jdbi.v3.core.Handle;

import nexus.shared.db.UsageRange;
import nexus.shared.db.UsageReportDao;

/**
 * A usage report by day and by model: the window's first and last UTC day ({@code from}, {@code to}, both included),
 * the currency, the totals, a line for every day and one for each model used. Immutable.
 */
public record DayModelReport(String from, String to, String currency, TotalsLine totals, List<DayLine> byDay,
                             List<ModelLine> byModel) {

    /** Reads the rows of {@code range}, some or all of {@code window}'s, on a handle in a read transaction. */
    public static DayModelReport read(Handle handle, UsageWindow window, UsageRange range, String currency) {
        UsageReportDao usage = handle.attach(UsageReportDao.class);
        String condition = range.condition();
        return new DayModelReport(window.first().toString(), window.last().toString(), currency,
                TotalsLine.of(usage.totals(condition, range)),
                DayLine.everyDay(window, usage.byDay(condition, range)),
                usage.byModel(condition, range).stream().map(ModelLine::of).toList());
    }
}
