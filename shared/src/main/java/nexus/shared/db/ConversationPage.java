package nexus.shared.db;

import java.util.List;

/** One page of conversations, newest-updated first, and whether more follow. Immutable. */
public record ConversationPage(List<Conversation> data, boolean hasMore) {

    /** The cursor for the next page, or null when this is the last. */
    public String nextCursor() {
        return hasMore ? ConversationCursor.after(data.getLast()).encoded() : null;
    }
}
