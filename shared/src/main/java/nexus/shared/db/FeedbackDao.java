package nexus.shared.db;

import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code feedback}, and for the usage row a rating is about. Thread-safe from {@link Database#dao}. */
@RegisterConstructorMapper(Feedback.class)
@RegisterConstructorMapper(GenerationSource.class)
public interface FeedbackDao {

    String COLUMNS = "generation_id, owner, rating, comment, tags, route, provider_id, model, created_at_millis,"
            + " updated_at_millis";

    /**
     * The usage row of a generation made by one key: {@code apiKey} is the name usage rows give the key, and
     * {@code keyId} the issued key's id, or null for a provider's personalized key (whose rows have none).
     */
    @SqlQuery("SELECT request_id AS generation_id, route, provider_id, model FROM usage"
            + " WHERE request_id = :generationId AND api_key = :apiKey AND key_id IS :keyId")
    Optional<GenerationSource> findGeneration(String generationId, String apiKey, Long keyId);

    @SqlQuery("SELECT " + COLUMNS + " FROM feedback WHERE generation_id = :generationId")
    Optional<Feedback> find(String generationId);

    /** Stores a rating; one of the same generation is replaced, keeping when it was first given. */
    @SqlUpdate("INSERT INTO feedback (" + COLUMNS + ") VALUES (:generationId, :owner, :rating, :comment, :tags,"
            + " :route, :providerId, :model, :createdAtMillis, :updatedAtMillis)"
            + " ON CONFLICT (generation_id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment,"
            + " tags = excluded.tags, updated_at_millis = excluded.updated_at_millis")
    void upsert(@BindMethods Feedback feedback);
}
