package nexus.shared.db;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import nexus.shared.error.ApiError;

/**
 * Where a page of conversations (newest-updated first) ended: the last one's update time and id, written as an opaque
 * base64url string for {@code next_cursor} and read back from {@code after}. Immutable.
 */
public record ConversationCursor(long updatedAtMillis, String id) {

    public static ConversationCursor after(Conversation conversation) {
        return new ConversationCursor(conversation.updatedAtMillis(), conversation.id());
    }

    /** The cursor a client sent, null for none; 400 naming {@code param} when it is not one this server wrote. */
    public static ConversationCursor parse(String value, String param) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(value.strip()), StandardCharsets.UTF_8);
            int separator = decoded.indexOf('/');
            return new ConversationCursor(Long.parseLong(decoded.substring(0, separator)),
                    decoded.substring(separator + 1));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw ApiError.invalidRequest("'" + param + "' is not a cursor this server gave out.", param);
        }
    }

    public String encoded() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((updatedAtMillis + "/" + id).getBytes(StandardCharsets.UTF_8));
    }
}
