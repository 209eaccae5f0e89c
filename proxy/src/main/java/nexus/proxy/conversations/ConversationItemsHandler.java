package nexus.proxy.conversations;

import java.time.Clock;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import nexus.shared.conversation.ConversationViews;
import nexus.shared.db.Conversation;
import nexus.shared.db.Conversations;
import nexus.shared.db.MessageDraft;
import nexus.shared.db.MessagePage;

/**
 * A conversation's messages: the platform's {@code POST /{id}/messages} and OpenAI's {@code /{id}/items} calls, on
 * the same rows. Appending only stores: no model is called. HTTP in and out only. Thread-safe.
 */
public final class ConversationItemsHandler {

    static final int DEFAULT_ITEMS_LIMIT = 20;
    static final int MAX_ITEMS_LIMIT = 100;
    private static final String ITEM_ID = "item_id";

    private final ConversationRequests requests;
    private final Conversations store;
    private final ConversationViews views;
    private final ItemViews items;
    private final ObjectMapper mapper;
    private final Clock clock;

    ConversationItemsHandler(ConversationRequests requests, Conversations store, ConversationViews views,
                             ItemViews items, ObjectMapper mapper, Clock clock) {
        this.requests = requests;
        this.store = store;
        this.views = views;
        this.items = items;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** {@code POST /{id}/messages}: one message, 201 with it once it is committed. */
    public void appendMessage(Context ctx) {
        String owner = requests.owner(ctx);
        String id = ConversationRequests.conversationId(ctx);
        MessageDraft draft = MessageInput.parse(requests.body(ctx, false), mapper);
        var appended = store.append(id, owner, List.of(draft), clock.millis())
                .orElseThrow(() -> ConversationRequests.notFound(id));
        ctx.status(HttpStatus.CREATED).json(views.message(appended.messages().getFirst()));
    }

    /** {@code POST /{id}/items}: {@code items} appended in order, 201 with them as a list. */
    public void createItems(Context ctx) {
        String owner = requests.owner(ctx);
        String id = ConversationRequests.conversationId(ctx);
        List<MessageDraft> drafts = ItemInput.parseAll(requests.body(ctx, false).get("items"), mapper);
        var appended = store.append(id, owner, drafts, clock.millis())
                .orElseThrow(() -> ConversationRequests.notFound(id));
        ctx.status(HttpStatus.CREATED).json(items.list(new MessagePage(appended.messages(), false)));
    }

    /** {@code GET /{id}/items}: {@code after}, {@code limit} (20) and {@code order} ({@code desc}) as OpenAI's. */
    public void listItems(Context ctx) {
        String owner = requests.owner(ctx);
        String id = ConversationRequests.conversationId(ctx);
        int limit = ConversationFields.limit(ctx.queryParam("limit"), DEFAULT_ITEMS_LIMIT, MAX_ITEMS_LIMIT);
        boolean ascending = ConversationFields.ascending(ctx.queryParam("order"), false);
        MessagePage page = store.messages(id, owner, ctx.queryParam("after"), limit, ascending)
                .orElseThrow(() -> ConversationRequests.notFound(id));
        ctx.json(items.list(page));
    }

    /** {@code GET /{id}/items/{item_id}}. */
    public void retrieveItem(Context ctx) {
        String owner = requests.owner(ctx);
        String id = ConversationRequests.conversationId(ctx);
        store.find(id, owner).orElseThrow(() -> ConversationRequests.notFound(id));
        String itemId = ctx.pathParam(ITEM_ID);
        ctx.json(items.item(store.message(id, owner, itemId)
                .orElseThrow(() -> ConversationRequests.itemNotFound(itemId))));
    }

    /** {@code DELETE /{id}/items/{item_id}}: answers the conversation as it is then, as OpenAI does. */
    public void deleteItem(Context ctx) {
        String owner = requests.owner(ctx);
        String id = ConversationRequests.conversationId(ctx);
        store.find(id, owner).orElseThrow(() -> ConversationRequests.notFound(id));
        String itemId = ctx.pathParam(ITEM_ID);
        Conversation changed = store.deleteMessage(id, owner, itemId, clock.millis())
                .orElseThrow(() -> ConversationRequests.itemNotFound(itemId));
        ctx.json(views.conversation(changed));
    }
}
