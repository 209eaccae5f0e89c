package nexus.shared.db;

/**
 * One row of {@code conversation}: a history container owned by {@code owner} ({@code personal:<sha256>} or
 * {@code key:<id>}), its metadata a JSON object as text. Immutable.
 */
public record Conversation(String id, String owner, String title, String metadata, long messageCount,
                           long lastPosition, long createdAtMillis, long updatedAtMillis) {}
