package nexus.shared.db;

/**
 * Usage sums and cost (nano-units) for one issued key; {@code keyId} and {@code keyName} are null for the rows of
 * providers' personalized keys.
 */
public record KeyUsage(Long keyId, String keyName, long requests, long promptTokens, long completionTokens,
                       long totalTokens, long costNanos) {}
