package nexus.shared.db;

/**
 * A message about to be appended to a conversation: its id, role and chat message (JSON text), its own metadata
 * (JSON text or null), and the call it came from (each null when it came from no call). Immutable.
 */
public record MessageDraft(String id, String role, String message, String metadata, String model, String usage,
                           String generationId, String requestId) {

    /** A message a client stored itself, from no call. */
    public static MessageDraft stored(String id, String role, String message, String metadata) {
        return new MessageDraft(id, role, message, metadata, null, null, null, null);
    }
}
