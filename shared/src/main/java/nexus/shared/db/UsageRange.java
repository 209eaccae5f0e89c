package nexus.shared.db;

/**
 * Which usage rows a report sums: those created in {@code [fromMillis, toMillis)}, and of one client when
 * {@code apiKey} (the row's {@code api_key}) or {@code keyId} (an issued key's id) is set. Immutable.
 */
public record UsageRange(long fromMillis, long toMillis, String apiKey, Long keyId) {

    public static UsageRange all(long fromMillis, long toMillis) {
        return new UsageRange(fromMillis, toMillis, null, null);
    }

    /** The rows of one client, as {@code usage.api_key} names it ({@code key:<id>} for an issued key). */
    public static UsageRange ofApiKey(String apiKey, long fromMillis, long toMillis) {
        return new UsageRange(fromMillis, toMillis, apiKey, null);
    }

    /** The rows of one issued key. */
    public static UsageRange ofKeyId(long keyId, long fromMillis, long toMillis) {
        return new UsageRange(fromMillis, toMillis, null, keyId);
    }

    /** The SQL condition on {@code usage} that selects these rows; its parameters are this record's fields. */
    public String condition() {
        String window = "created_at_millis >= :fromMillis AND created_at_millis < :toMillis";
        if (keyId != null) {
            return window + " AND key_id = :keyId";
        }
        return apiKey == null ? window : window + " AND api_key = :apiKey";
    }
}
