package nexus.shared.conversation;

import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.shared.db.Conversation;
import nexus.shared.db.ConversationMessage;
import nexus.shared.db.MessagePage;

/**
 * Writes conversations and messages in both shapes at once: the platform's fields ({@code conversation_id},
 * {@code title}, {@code message_count} …) beside OpenAI's ({@code id}, {@code object}); times in seconds, as OpenAI
 * writes them. The proxy answers key holders with them, the admin the developer. Thread-safe.
 */
public final class ConversationViews {

    private final ObjectMapper mapper;

    public ConversationViews(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ObjectNode conversation(Conversation conversation) {
        ObjectNode view = mapper.createObjectNode()
                .put("id", conversation.id())
                .put("object", "conversation")
                .put("conversation_id", conversation.id())
                .put("title", conversation.title());
        view.set("metadata", read(conversation.metadata(), mapper));
        return view.put("created_at", seconds(conversation.createdAtMillis()))
                .put("updated_at", seconds(conversation.updatedAtMillis()))
                .put("message_count", conversation.messageCount());
    }

    /** The conversation with one page of its messages, oldest first. */
    public ObjectNode withMessages(Conversation conversation, MessagePage page) {
        ObjectNode view = conversation(conversation);
        ArrayNode messages = view.putArray("messages");
        page.data().forEach(message -> messages.add(message(message)));
        return view.put("has_more", page.hasMore())
                .put("next_cursor", page.hasMore() ? page.data().getLast().id() : null);
    }

    /** A page of conversations: {@code data}, {@code has_more}, {@code next_cursor}. */
    public ObjectNode list(List<Conversation> conversations, boolean hasMore, String nextCursor) {
        ObjectNode view = mapper.createObjectNode().put("object", "list");
        ArrayNode data = view.putArray("data");
        conversations.forEach(conversation -> data.add(conversation(conversation)));
        return view.put("has_more", hasMore).put("next_cursor", nextCursor);
    }

    /** A stored message as the platform shows it: the chat message's own fields, then where it came from. */
    public ObjectNode message(ConversationMessage message) {
        ObjectNode view = mapper.createObjectNode().put("message_id", message.id())
                .put("conversation_id", message.conversationId());
        view.setAll((ObjectNode) read(message.message(), mapper));
        putIfPresent(view, "metadata", read(message.metadata(), mapper));
        if (message.model() != null) {
            view.put("model", message.model());
        }
        putIfPresent(view, "usage", read(message.usage(), mapper));
        if (message.generationId() != null) {
            view.put("generation_id", message.generationId());
        }
        return view.put("created_at", seconds(message.createdAtMillis()));
    }

    /** The OpenAI deletion answer. */
    public ObjectNode deleted(String id) {
        return mapper.createObjectNode().put("id", id).put("object", "conversation.deleted").put("deleted", true);
    }

    private static void putIfPresent(ObjectNode view, String field, JsonNode value) {
        if (value != null && !value.isNull()) {
            view.set(field, value);
        }
    }

    /** Stored JSON text back as a tree; null stays null. */
    public static JsonNode read(String json, ObjectMapper mapper) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored JSON could not be read", e);
        }
    }

    static long seconds(long millis) {
        return TimeUnit.MILLISECONDS.toSeconds(millis);
    }
}
