package nexus.shared.db;

/** Request count, token sums and cost (nano-units) over a set of usage rows. */
public record UsageTotals(long requests, long promptTokens, long completionTokens, long totalTokens, long costNanos) {}
