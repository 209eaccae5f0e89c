package nexus.proxy.conversations;

import java.time.Clock;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import nexus.proxy.chat.ConversationIds;
import nexus.shared.db.ConversationMessage;
import nexus.shared.db.Conversations;
import nexus.shared.db.MessageDraft;
import nexus.shared.db.MessagePage;

/**
 * A caller's conversation as OpenAI items, for other APIs that read and extend it (the Responses API's
 * {@code conversation}): the same rows, item shape, checks and 404 as the conversations API. Thread-safe.
 */
public final class ConversationItems {

    /** The newest part of a conversation that was read, oldest first, and whether older items were left out. */
    public record Tail(ArrayNode items, boolean truncated) {}

    private final Conversations store;
    private final ItemViews views;
    private final ObjectMapper mapper;
    private final Clock clock;

    public ConversationItems(Conversations store, ObjectMapper mapper, Clock clock) {
        this.store = store;
        this.views = new ItemViews(mapper);
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * The newest {@code limit} items of the owner's conversation, oldest first: one page of the store, so a long
     * conversation is never read whole. 404 when it is absent or another owner's, as the conversations API answers.
     */
    public Tail tail(String id, String owner, int limit) {
        if (!ConversationIds.isValid(id)) {
            throw ConversationRequests.notFound(id);
        }
        MessagePage page = store.messages(id, owner, null, limit, false)
                .orElseThrow(() -> ConversationRequests.notFound(id));
        ArrayNode items = mapper.createArrayNode();
        for (ConversationMessage message : page.data().reversed()) {
            items.add(views.item(message));
        }
        return new Tail(items, page.hasMore());
    }

    /** An item made ready to append, as {@code POST /{id}/items} takes it; a 400 naming {@code param} when not. */
    public MessageDraft draft(JsonNode item, String param) {
        return ItemInput.parse(item, param, mapper);
    }

    /** Appends in order, in one transaction; false when the conversation is gone (or another owner's). */
    public boolean append(String id, String owner, List<MessageDraft> drafts) {
        return store.append(id, owner, drafts, clock.millis()).isPresent();
    }
}
