package nexus.admin.conversation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.shared.conversation.ConversationViews;
import nexus.shared.db.Conversation;
import nexus.shared.db.ConversationCursor;
import nexus.shared.db.ConversationPage;
import nexus.shared.db.Conversations;
import nexus.shared.db.MessagePage;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;

/**
 * The developer's view of every key's conversations: search, read, delete; each conversation shows its
 * {@code owner}. Knows nothing of HTTP. Thread-safe.
 */
public final class ConversationService {

    private final Conversations store;
    private final ConversationViews views;

    public ConversationService(Conversations store, ObjectMapper mapper) {
        this.store = store;
        this.views = new ConversationViews(mapper);
    }

    /** Newest-updated first; {@code owner} null for every owner, {@code query} null for no text filter. */
    public ObjectNode list(String owner, String query, ConversationCursor after, int limit) {
        ConversationPage page = store.search(owner, query, after, limit);
        ObjectNode view = views.list(page.data(), page.hasMore(), page.nextCursor());
        for (int index = 0; index < page.data().size(); index++) {
            ((ObjectNode) view.path("data").get(index)).put("owner", page.data().get(index).owner());
        }
        return view;
    }

    /** One conversation with a page of its messages, oldest first. */
    public ObjectNode get(String id, String afterMessageId, int limit) {
        Conversation conversation = store.find(id, null).orElseThrow(() -> notFound(id));
        MessagePage page = store.messages(id, null, afterMessageId, limit, true).orElseThrow(() -> notFound(id));
        return views.withMessages(conversation, page).put("owner", conversation.owner());
    }

    public void delete(String id) {
        if (!store.delete(id, null)) {
            throw notFound(id);
        }
    }

    private static ApiError notFound(String id) {
        return ApiError.of(ErrorCode.NOT_FOUND, "conversation_id", "Conversation '" + id + "' not found.");
    }
}
