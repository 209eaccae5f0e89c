package nexus.shared.db;

/** One row of {@code topup}: money added to a key's balance once per idempotency key. */
public record Topup(long id, long keyId, String idempotencyKey, long amountNanos, String note, long createdAtMillis) {}
