package nexus.admin.feedback;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/** {@code GET /feedback/summary}: ratings over the window by model, by route and by tag. Immutable. */
record FeedbackSummaryView(int days, List<ModelLine> byModel, List<RouteLine> byRoute, List<TagLine> byTag) {

    record ModelLine(String model, long up, long down, BigDecimal ratio) {}

    record RouteLine(String route, long up, long down, BigDecimal ratio) {}

    record TagLine(String tag, long up, long down, BigDecimal ratio) {}

    /** up / (up + down) to 4 decimals, or null when there is no rating. */
    static BigDecimal ratio(long up, long down) {
        return up + down == 0 ? null
                : BigDecimal.valueOf(up).divide(BigDecimal.valueOf(up + down), 4, RoundingMode.HALF_UP);
    }
}
