package nexus.shared.db;

import java.util.List;
import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code conversation} and {@code conversation_message}; {@link Conversations} orchestrates it. */
@RegisterConstructorMapper(Conversation.class)
@RegisterConstructorMapper(ConversationMessage.class)
public interface ConversationDao {

    String COLUMNS = "id, owner, title, metadata, message_count, last_position, created_at_millis, updated_at_millis";
    String MESSAGE_COLUMNS = "id, conversation_id, position, role, message, metadata, model, usage, generation_id,"
            + " request_id, created_at_millis";
    /** Newest-updated first, strictly after the cursor (updated_at_millis, id) when one is given. */
    String AFTER_CURSOR = " AND (:afterUpdated IS NULL OR updated_at_millis < :afterUpdated"
            + " OR (updated_at_millis = :afterUpdated AND id < :afterId))"
            + " ORDER BY updated_at_millis DESC, id DESC LIMIT :limit";

    @SqlUpdate("INSERT INTO conversation (" + COLUMNS + ") VALUES (:id, :owner, :title, :metadata, :messageCount,"
            + " :lastPosition, :createdAtMillis, :updatedAtMillis)")
    void insert(@BindMethods Conversation conversation);

    @SqlQuery("SELECT " + COLUMNS + " FROM conversation WHERE id = :id")
    Optional<Conversation> findById(String id);

    @SqlQuery("SELECT " + COLUMNS + " FROM conversation WHERE owner = :owner" + AFTER_CURSOR)
    List<Conversation> listOwned(String owner, Long afterUpdated, String afterId, int limit);

    /** Every owner's, or one owner's; {@code pattern} (LIKE, {@code !} escapes) filters titles and message text. */
    @SqlQuery("SELECT " + COLUMNS + " FROM conversation WHERE (:owner IS NULL OR owner = :owner)"
            + " AND (:pattern IS NULL OR title LIKE :pattern ESCAPE '!' OR EXISTS (SELECT 1 FROM conversation_message"
            + " WHERE conversation_id = conversation.id AND message LIKE :pattern ESCAPE '!'))" + AFTER_CURSOR)
    List<Conversation> search(String owner, String pattern, Long afterUpdated, String afterId, int limit);

    @SqlQuery("SELECT " + COLUMNS + " FROM conversation WHERE owner = :owner ORDER BY updated_at_millis DESC, id DESC")
    List<Conversation> listAllOwned(String owner);

    @SqlUpdate("UPDATE conversation SET title = :title, metadata = :metadata, message_count = :messageCount,"
            + " last_position = :lastPosition, updated_at_millis = :updatedAtMillis WHERE id = :id")
    boolean update(@BindMethods Conversation conversation);

    @SqlUpdate("DELETE FROM conversation WHERE id = :id")
    boolean deleteById(String id);

    @SqlUpdate("DELETE FROM conversation WHERE owner = :owner")
    int deleteByOwner(String owner);

    @SqlUpdate("INSERT INTO conversation_message (" + MESSAGE_COLUMNS + ") VALUES (:id, :conversationId, :position,"
            + " :role, :message, :metadata, :model, :usage, :generationId, :requestId, :createdAtMillis)")
    void insertMessage(@BindMethods ConversationMessage message);

    @SqlQuery("SELECT " + MESSAGE_COLUMNS + " FROM conversation_message WHERE conversation_id = :conversationId"
            + " AND position > :afterPosition ORDER BY position LIMIT :limit")
    List<ConversationMessage> listMessagesAfter(String conversationId, long afterPosition, int limit);

    @SqlQuery("SELECT " + MESSAGE_COLUMNS + " FROM conversation_message WHERE conversation_id = :conversationId"
            + " AND position < :beforePosition ORDER BY position DESC LIMIT :limit")
    List<ConversationMessage> listMessagesBefore(String conversationId, long beforePosition, int limit);

    @SqlQuery("SELECT " + MESSAGE_COLUMNS + " FROM conversation_message WHERE conversation_id = :conversationId"
            + " AND id = :id")
    Optional<ConversationMessage> findMessage(String conversationId, String id);

    /** The messages after the last assistant message (all of them when there is none), in order. */
    @SqlQuery("SELECT " + MESSAGE_COLUMNS + " FROM conversation_message WHERE conversation_id = :conversationId"
            + " AND position > (SELECT COALESCE(MAX(position), 0) FROM conversation_message"
            + " WHERE conversation_id = :conversationId AND role = 'assistant') ORDER BY position")
    List<ConversationMessage> listAfterLastAssistant(String conversationId);

    @SqlUpdate("DELETE FROM conversation_message WHERE conversation_id = :conversationId AND id = :id")
    boolean deleteMessage(String conversationId, String id);
}
