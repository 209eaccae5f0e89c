package nexus.admin.stats;

import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Header;

import nexus.admin.provider.PathIds;
import nexus.shared.error.ApiError;

/** HTTP edge of {@code /stats} and {@code /keys/{id}/usage}: reads path and query, calls the services. Thread-safe. */
public final class StatsController {

    /** The longest report, in days: a leap year. */
    static final int MAX_DAYS = 366;
    static final int DEFAULT_DAYS = 30;

    private final StatsService service;
    private final UsageReportService reports;
    private final ObjectMapper mapper;

    public StatsController(StatsService service, UsageReportService reports, ObjectMapper mapper) {
        this.service = service;
        this.reports = reports;
        this.mapper = mapper;
    }

    public void total(Context ctx) {
        ctx.json(service.total());
    }

    public void conversation(Context ctx) {
        ctx.json(service.conversation(ctx.pathParam("conversation_id")));
    }

    /** {@code GET /stats/usage?days=30&group_by=day}: JSON, or CSV when the client accepts {@code text/csv}. */
    public void usage(Context ctx) {
        int days = days(ctx);
        GroupBy groupBy = GroupBy.named(ctx.queryParam("group_by"));
        UsageGroupsView view = reports.grouped(days, groupBy);
        if (!wantsCsv(ctx)) {
            ctx.json(view);
            return;
        }
        String file = "nexus-usage-by-" + groupBy.wireName() + "-" + view.from() + "-to-" + view.to() + ".csv";
        ctx.header(Header.CONTENT_DISPOSITION, "attachment; filename=\"" + file + "\"")
                .contentType("text/csv; charset=utf-8")
                .result(UsageCsv.write(groupBy.columns(), view.groups(), view.currency(), mapper));
    }

    /** {@code GET /keys/{id}/usage?days=30}: one issued key's usage by day and by model. */
    public void keyUsage(Context ctx) {
        ctx.json(reports.ofKey(PathIds.positive(ctx, "id"), days(ctx)));
    }

    /** The {@code days} parameter: 1 to {@value #MAX_DAYS}, {@value #DEFAULT_DAYS} when absent, else a 400. */
    private static int days(Context ctx) {
        String value = ctx.queryParam("days");
        if (value == null) {
            return DEFAULT_DAYS;
        }
        try {
            int days = Integer.parseInt(value);
            if (days >= 1 && days <= MAX_DAYS) {
                return days;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.invalidRequest("'days' must be a whole number from 1 to " + MAX_DAYS + ".", "days");
    }

    private static boolean wantsCsv(Context ctx) {
        String accept = ctx.header(Header.ACCEPT);
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/csv");
    }
}
