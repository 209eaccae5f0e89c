package nexus.shared.db;

/** Request count and token sums over a set of usage rows. */
public record UsageTotals(long requests, long promptTokens, long completionTokens, long totalTokens) {}
