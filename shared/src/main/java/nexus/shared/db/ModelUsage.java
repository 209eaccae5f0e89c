package nexus.shared.db;

/** Usage sums and cost (nano-units) for one model name. */
public record ModelUsage(String model, long requests, long promptTokens, long completionTokens, long totalTokens,
                         long costNanos) {}
