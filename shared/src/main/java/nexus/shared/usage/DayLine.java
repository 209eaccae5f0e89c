package nexus.shared.usage;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import nexus.shared.db.DayUsage;
import nexus.shared.money.Money;

/** One UTC day's line of a usage report ({@code day} as "2026-12-06"), the cost as a decimal string. Immutable. */
public record DayLine(String day, long requests, long promptTokens, long completionTokens, long totalTokens,
                      String cost) {

    /** A line for every day of the window, oldest first; a day without rows is all zeros. */
    public static List<DayLine> everyDay(UsageWindow window, List<DayUsage> found) {
        Map<Long, DayUsage> byDay = found.stream().collect(Collectors.toMap(DayUsage::epochDay, Function.identity()));
        return window.days().stream().map(day -> of(day, byDay.get(day.toEpochDay()))).toList();
    }

    private static DayLine of(LocalDate day, DayUsage usage) {
        if (usage == null) {
            return new DayLine(day.toString(), 0, 0, 0, 0, Money.format(0));
        }
        return new DayLine(day.toString(), usage.requests(), usage.promptTokens(), usage.completionTokens(),
                usage.totalTokens(), Money.format(usage.costNanos()));
    }
}
