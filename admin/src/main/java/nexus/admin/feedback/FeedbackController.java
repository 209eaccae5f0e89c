package nexus.admin.feedback;

import java.time.Clock;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;

import nexus.shared.db.Database;

/** HTTP edge of {@code /feedback} and {@code /feedback/summary}: reads the query, calls the service. Thread-safe. */
public final class FeedbackController {

    static final int MAX_DAYS = 365;
    static final int DEFAULT_DAYS = 7;
    static final int MAX_LIMIT = 1_000;
    static final int DEFAULT_LIMIT = 100;

    private final FeedbackService feedback;

    public FeedbackController(Database database, Clock clock, ObjectMapper mapper) {
        this.feedback = new FeedbackService(database, clock, mapper);
    }

    /** {@code GET /feedback?days=7&route=&model=&limit=100}: {@code {"data": [...]}}, newest first. */
    public void list(Context ctx) {
        int days = QueryNumbers.inRange(ctx, "days", 1, MAX_DAYS, DEFAULT_DAYS);
        int limit = QueryNumbers.inRange(ctx, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        ctx.json(new Listing(feedback.list(days, filter(ctx, "route"), filter(ctx, "model"), limit)));
    }

    /** {@code GET /feedback/summary?days=7}. */
    public void summary(Context ctx) {
        ctx.json(feedback.summary(QueryNumbers.inRange(ctx, "days", 1, MAX_DAYS, DEFAULT_DAYS)));
    }

    private static String filter(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The list's envelope. */
    record Listing(List<FeedbackView> data) {}
}
