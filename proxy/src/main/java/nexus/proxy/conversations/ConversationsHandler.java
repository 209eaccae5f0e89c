package nexus.proxy.conversations;

import java.time.Clock;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import nexus.proxy.chat.ConversationIds;
import nexus.shared.conversation.ConversationViews;
import nexus.shared.db.Conversation;
import nexus.shared.db.ConversationCursor;
import nexus.shared.db.ConversationPage;
import nexus.shared.db.Conversations;
import nexus.shared.db.MessageDraft;
import nexus.shared.db.MessagePage;

/**
 * {@code /v1/conversations} and {@code /v1/conversations/{id}} for the key holder, in the platform's shape and
 * OpenAI's at once. HTTP in and out only; {@link Conversations} stores. Thread-safe.
 */
public final class ConversationsHandler {

    static final int DEFAULT_LIST_LIMIT = 20;
    static final int MAX_LIST_LIMIT = 100;
    static final int DEFAULT_MESSAGES_LIMIT = 100;
    static final int MAX_MESSAGES_LIMIT = 1000;

    private final ConversationRequests requests;
    private final Conversations store;
    private final ConversationViews views;
    private final ObjectMapper mapper;
    private final Clock clock;

    ConversationsHandler(ConversationRequests requests, Conversations store, ConversationViews views,
                         ObjectMapper mapper, Clock clock) {
        this.requests = requests;
        this.store = store;
        this.views = views;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** {@code POST}: {@code title}, {@code metadata}, and OpenAI's first {@code items}; 201 once it is committed. */
    public void create(Context ctx) {
        String owner = requests.owner(ctx);
        ObjectNode body = requests.body(ctx, true);
        String title = ConversationFields.title(body.get("title"));
        String metadata = ConversationFields.metadata(body.get("metadata"), "metadata", mapper);
        List<MessageDraft> items = ItemInput.parseAll(body.get("items"), mapper);
        long now = clock.millis();
        Conversation fresh = new Conversation(ConversationIds.create(), owner, title, metadata, 0, 0, now, now);
        ctx.status(HttpStatus.CREATED).json(views.conversation(store.create(fresh, items).conversation()));
    }

    /** {@code GET}: the caller's conversations, newest-updated first, {@code limit} and {@code after} to page. */
    public void list(Context ctx) {
        String owner = requests.owner(ctx);
        int limit = ConversationFields.limit(ctx.queryParam("limit"), DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
        ConversationPage page = store.list(owner, ConversationCursor.parse(ctx.queryParam("after"), "after"), limit);
        ctx.json(views.list(page.data(), page.hasMore(), page.nextCursor()));
    }

    /** {@code GET /{id}}: the conversation and its messages in order, {@code limit} and {@code after} to page. */
    public void retrieve(Context ctx) {
        String owner = requests.owner(ctx);
        String id = ConversationRequests.conversationId(ctx);
        int limit = ConversationFields.limit(ctx.queryParam("limit"), DEFAULT_MESSAGES_LIMIT, MAX_MESSAGES_LIMIT);
        Conversation conversation = store.find(id, owner).orElseThrow(() -> ConversationRequests.notFound(id));
        MessagePage page = store.messages(id, owner, ctx.queryParam("after"), limit, true)
                .orElseThrow(() -> ConversationRequests.notFound(id));
        ctx.json(views.withMessages(conversation, page));
    }

    /** {@code PATCH} or OpenAI's {@code POST /{id}}: the fields sent replace theirs ({@code metadata} whole). */
    public void update(Context ctx) {
        String owner = requests.owner(ctx);
        String id = ConversationRequests.conversationId(ctx);
        ObjectNode body = requests.body(ctx, false);
        String title = body.has("title") ? ConversationFields.title(body.get("title")) : null;
        String metadata = body.has("metadata")
                ? ConversationFields.metadata(body.get("metadata"), "metadata", mapper) : null;
        long now = clock.millis();
        Conversation changed = store.update(id, owner, current -> new Conversation(current.id(), current.owner(),
                body.has("title") ? title : current.title(), metadata != null ? metadata : current.metadata(),
                current.messageCount(), current.lastPosition(), current.createdAtMillis(), now))
                .orElseThrow(() -> ConversationRequests.notFound(id));
        ctx.json(views.conversation(changed));
    }

    /** {@code DELETE /{id}}: the conversation and its messages are gone; OpenAI's deletion object answers. */
    public void delete(Context ctx) {
        String owner = requests.owner(ctx);
        String id = ConversationRequests.conversationId(ctx);
        if (!store.delete(id, owner)) {
            throw ConversationRequests.notFound(id);
        }
        ctx.json(views.deleted(id));
    }
}
