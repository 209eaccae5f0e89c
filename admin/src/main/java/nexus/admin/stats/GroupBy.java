package nexus.admin.stats;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jdbi.v3.core.Handle;

import nexus.shared.db.UsageRange;
import nexus.shared.db.UsageReportDao;
import nexus.shared.error.ApiError;
import nexus.shared.usage.DayLine;
import nexus.shared.usage.ModelLine;
import nexus.shared.usage.UsageWindow;

/** How {@code GET /stats/usage} groups its lines, with the columns each line names itself by and adds. */
enum GroupBy {
    DAY(List.of("day"), List.of()),
    MODEL(List.of("model"), List.of()),
    PROVIDER(List.of("provider_id", "provider_name"), List.of()),
    KEY(List.of("key_id", "key_name"), List.of()),
    ROUTE(List.of("route"), List.of("fallbacks", "failed", "past_open_circuit"));

    /** The columns every line has after its own names. */
    private static final List<String> SUMS = List.of("requests", "prompt_tokens", "completion_tokens", "total_tokens",
            "cost");

    private final List<String> names;
    private final List<String> counts;

    /** A grouping whose lines begin with {@code names} and end, after the sums, with {@code counts}. */
    GroupBy(List<String> names, List<String> counts) {
        this.names = names;
        this.counts = counts;
    }

    /** The value of {@code group_by}: absent is by day; anything but a grouping's name is a 400 naming them. */
    static GroupBy named(String value) {
        if (value == null) {
            return DAY;
        }
        return Stream.of(values()).filter(group -> group.wireName().equals(value)).findFirst()
                .orElseThrow(() -> ApiError.invalidRequest("'group_by' must be one of "
                        + Stream.of(values()).map(GroupBy::wireName).collect(Collectors.joining(", ")) + ".",
                        "group_by"));
    }

    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A line's columns, in order, as the JSON lines name their fields. */
    List<String> columns() {
        return Stream.of(names, SUMS, counts).flatMap(List::stream).toList();
    }

    /** The lines of the window's rows in this grouping, read on a handle in a read transaction. */
    List<?> lines(Handle handle, UsageWindow window) {
        UsageReportDao usage = handle.attach(UsageReportDao.class);
        UsageRange range = window.allRows();
        String condition = range.condition();
        return switch (this) {
            case DAY -> DayLine.everyDay(window, usage.byDay(condition, range));
            case MODEL -> usage.byModel(condition, range).stream().map(ModelLine::of).toList();
            case PROVIDER -> usage.byProvider(condition, range).stream().map(ProviderStatsView::of).toList();
            case KEY -> usage.byKey(condition, range).stream().map(KeyStatsView::of).toList();
            case ROUTE -> usage.byRoute(condition, range).stream().map(RouteStatsView::of).toList();
        };
    }
}
