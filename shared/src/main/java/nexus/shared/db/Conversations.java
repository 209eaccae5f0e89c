package nexus.shared.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.jdbi.v3.core.Handle;

import nexus.shared.error.ApiError;

/**
 * The conversation store both processes share: conversations and their messages, each change in one transaction, so
 * nothing is half-written and a change answered is committed. An {@code owner} of null means any owner (the admin);
 * another owner's conversation reads as absent. Thread-safe.
 */
public final class Conversations {

    private final Database database;

    public Conversations(Database database) {
        this.database = database;
    }

    /** A conversation and its messages as one append left them. */
    public record Appended(Conversation conversation, List<ConversationMessage> messages) {}

    /** Stores a new conversation with its first messages (none is fine). */
    public Appended create(Conversation fresh, List<MessageDraft> drafts) {
        return database.inTransaction(handle -> {
            ConversationDao dao = handle.attach(ConversationDao.class);
            dao.insert(fresh);
            return append(dao, fresh, drafts, fresh.createdAtMillis());
        });
    }

    public Optional<Conversation> find(String id, String owner) {
        return database.inReadTransaction(handle -> owned(handle.attach(ConversationDao.class), id, owner));
    }

    /** The owner's conversations, newest-updated first, after the cursor (null for the first page). */
    public ConversationPage list(String owner, ConversationCursor after, int limit) {
        List<Conversation> found = database.dao(ConversationDao.class).listOwned(owner,
                after == null ? null : after.updatedAtMillis(), after == null ? null : after.id(), limit + 1);
        return page(found, limit);
    }

    /** Any owner's (or one owner's) conversations whose title or message text contains {@code query} (null: all). */
    public ConversationPage search(String owner, String query, ConversationCursor after, int limit) {
        String pattern = query == null || query.isEmpty() ? null
                : "%" + query.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
        List<Conversation> found = database.dao(ConversationDao.class).search(owner, pattern,
                after == null ? null : after.updatedAtMillis(), after == null ? null : after.id(), limit + 1);
        return page(found, limit);
    }

    /** Every conversation of an owner, newest-updated first: what deleting a key would delete with it. */
    public List<Conversation> listByOwner(String owner) {
        return database.dao(ConversationDao.class).listAllOwned(owner);
    }

    /** Deletes every conversation of an owner with its messages; returns how many there were. */
    public int deleteByOwner(String owner) {
        return database.dao(ConversationDao.class).deleteByOwner(owner);
    }

    /** Applies {@code change} to the conversation and stores it; empty when it is absent (or another owner's). */
    public Optional<Conversation> update(String id, String owner, UnaryOperator<Conversation> change) {
        return database.inTransaction(handle -> {
            ConversationDao dao = handle.attach(ConversationDao.class);
            Optional<Conversation> changed = owned(dao, id, owner).map(change);
            changed.ifPresent(dao::update);
            return changed;
        });
    }

    /** Deletes the conversation and its messages; false when it is absent (or another owner's). */
    public boolean delete(String id, String owner) {
        return database.inTransaction(handle -> {
            ConversationDao dao = handle.attach(ConversationDao.class);
            return owned(dao, id, owner).isPresent() && dao.deleteById(id);
        });
    }

    /** Appends messages at the end; empty when the conversation is absent (or another owner's). */
    public Optional<Appended> append(String id, String owner, List<MessageDraft> drafts, long nowMillis) {
        return database.inTransaction(handle -> {
            ConversationDao dao = handle.attach(ConversationDao.class);
            return owned(dao, id, owner).map(conversation -> append(dao, conversation, drafts, nowMillis));
        });
    }

    /**
     * A page of messages after the message {@code afterId} (null: from the start, or the end when descending); empty
     * when the conversation is absent, 400 naming {@code after} when the message is not in it.
     */
    public Optional<MessagePage> messages(String id, String owner, String afterId, int limit, boolean ascending) {
        return database.inReadTransaction(handle -> {
            ConversationDao dao = handle.attach(ConversationDao.class);
            return owned(dao, id, owner).map(conversation -> {
                long from = afterId == null ? (ascending ? 0 : Long.MAX_VALUE)
                        : dao.findMessage(id, afterId).map(ConversationMessage::position).orElseThrow(() ->
                                ApiError.invalidRequest("'after' names no message of this conversation.", "after"));
                List<ConversationMessage> found = ascending ? dao.listMessagesAfter(id, from, limit + 1)
                        : dao.listMessagesBefore(id, from, limit + 1);
                return new MessagePage(found.subList(0, Math.min(limit, found.size())), found.size() > limit);
            });
        });
    }

    /** One message; empty when it or its conversation is absent (or another owner's). */
    public Optional<ConversationMessage> message(String id, String owner, String messageId) {
        return database.inReadTransaction(handle -> {
            ConversationDao dao = handle.attach(ConversationDao.class);
            return owned(dao, id, owner).flatMap(conversation -> dao.findMessage(id, messageId));
        });
    }

    /** Deletes one message; the conversation as it is then, empty when either is absent (or another owner's). */
    public Optional<Conversation> deleteMessage(String id, String owner, String messageId, long nowMillis) {
        return database.inTransaction(handle -> {
            ConversationDao dao = handle.attach(ConversationDao.class);
            return owned(dao, id, owner).filter(conversation -> dao.deleteMessage(id, messageId)).map(conversation -> {
                Conversation changed = new Conversation(conversation.id(), conversation.owner(), conversation.title(),
                        conversation.metadata(), conversation.messageCount() - 1, conversation.lastPosition(),
                        conversation.createdAtMillis(), nowMillis);
                dao.update(changed);
                return changed;
            });
        });
    }

    /** Appends within the caller's transaction: positions after the last, the count and update time moved on. */
    public static Appended append(ConversationDao dao, Conversation conversation, List<MessageDraft> drafts,
                                  long nowMillis) {
        List<ConversationMessage> messages = new ArrayList<>(drafts.size());
        long position = conversation.lastPosition();
        for (MessageDraft draft : drafts) {
            messages.add(new ConversationMessage(draft.id(), conversation.id(), ++position, draft.role(),
                    draft.message(), draft.metadata(), draft.model(), draft.usage(), draft.generationId(),
                    draft.requestId(), nowMillis));
        }
        if (messages.isEmpty()) {
            return new Appended(conversation, messages);
        }
        messages.forEach(dao::insertMessage);
        Conversation changed = new Conversation(conversation.id(), conversation.owner(), conversation.title(),
                conversation.metadata(), conversation.messageCount() + messages.size(), position,
                conversation.createdAtMillis(), nowMillis);
        dao.update(changed);
        return new Appended(changed, messages);
    }

    /** Runs work in one write transaction on the conversation tables. */
    public <R> R inTransaction(Function<ConversationDao, R> work) {
        return database.inTransaction((Handle handle) -> work.apply(handle.attach(ConversationDao.class)));
    }

    private static Optional<Conversation> owned(ConversationDao dao, String id, String owner) {
        return dao.findById(id).filter(conversation -> owner == null || owner.equals(conversation.owner()));
    }

    private static ConversationPage page(List<Conversation> found, int limit) {
        return new ConversationPage(found.subList(0, Math.min(limit, found.size())), found.size() > limit);
    }
}
