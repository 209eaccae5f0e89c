package nexus.shared.db;

/** Usage sums and cost (nano-units) for one UTC day, counted in days since 1970-01-01. */
public record DayUsage(long epochDay, long requests, long promptTokens, long completionTokens, long totalTokens,
                       long costNanos) {}
