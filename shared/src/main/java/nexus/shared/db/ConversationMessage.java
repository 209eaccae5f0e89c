package nexus.shared.db;

/**
 * One row of {@code conversation_message}: a chat message ({@code message}, JSON text) at its position in a
 * conversation, with the call it came from when one did ({@code model}, {@code usage} as JSON text,
 * {@code generationId}, {@code requestId}; null otherwise). Immutable.
 */
public record ConversationMessage(String id, String conversationId, long position, String role, String message,
                                  String metadata, String model, String usage, String generationId, String requestId,
                                  long createdAtMillis) {}
