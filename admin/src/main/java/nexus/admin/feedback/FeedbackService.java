package nexus.admin.feedback;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.shared.db.Database;
import nexus.shared.db.Feedback;
import nexus.shared.db.FeedbackReportDao;

/** Lists ratings of generations and sums them up by model, route and tag; knows nothing of HTTP. Thread-safe. */
final class FeedbackService {

    private final Database database;
    private final Clock clock;
    private final ObjectMapper mapper;

    FeedbackService(Database database, Clock clock, ObjectMapper mapper) {
        this.database = database;
        this.clock = clock;
        this.mapper = mapper;
    }

    /** The newest {@code limit} ratings of the last {@code days} × 24 hours, of one route and model when not null. */
    List<FeedbackView> list(int days, String route, String model, int limit) {
        return database.dao(FeedbackReportDao.class).list(since(days), route, model, limit).stream()
                .map(row -> FeedbackView.of(row, tags(row))).toList();
    }

    FeedbackSummaryView summary(int days) {
        long since = since(days);
        return database.inReadTransaction(handle -> {
            FeedbackReportDao feedback = handle.attach(FeedbackReportDao.class);
            var byModel = feedback.countsByModel(since).stream().map(count -> new FeedbackSummaryView.ModelLine(
                    count.name(), count.up(), count.down(), FeedbackSummaryView.ratio(count.up(), count.down())))
                    .toList();
            var byRoute = feedback.countsByRoute(since).stream().map(count -> new FeedbackSummaryView.RouteLine(
                    count.name(), count.up(), count.down(), FeedbackSummaryView.ratio(count.up(), count.down())))
                    .toList();
            return new FeedbackSummaryView(days, byModel, byRoute, byTag(feedback.tagged(since)));
        });
    }

    /** Counts per tag, the most used first (then by name); a tag given twice on one rating counts once. */
    private List<FeedbackSummaryView.TagLine> byTag(List<Feedback> rows) {
        Map<String, long[]> counts = new TreeMap<>();
        for (Feedback row : rows) {
            for (String tag : tags(row).stream().distinct().toList()) {
                counts.computeIfAbsent(tag, name -> new long[2])[row.rating() > 0 ? 0 : 1]++;
            }
        }
        List<FeedbackSummaryView.TagLine> lines = new ArrayList<>();
        counts.forEach((tag, count) -> lines.add(new FeedbackSummaryView.TagLine(tag, count[0], count[1],
                FeedbackSummaryView.ratio(count[0], count[1]))));
        lines.sort(Comparator.comparingLong((FeedbackSummaryView.TagLine line) -> -(line.up() + line.down())));
        return lines;
    }

    /** The stored tags; text that is not a JSON array of strings (the proxy writes it) reads as no tags. */
    private List<String> tags(Feedback row) {
        List<String> tags = new ArrayList<>();
        try {
            JsonNode array = mapper.readTree(row.tags());
            if (array != null && array.isArray()) {
                array.forEach(tag -> {
                    if (tag.isTextual()) {
                        tags.add(tag.textValue());
                    }
                });
            }
        } catch (IOException e) {
            return List.of();
        }
        return tags;
    }

    private long since(int days) {
        return clock.millis() - Duration.ofDays(days).toMillis();
    }
}
