package nexus.shared.db;

import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code video_task}. Thread-safe when obtained from {@link Database#dao(Class)}. */
@RegisterConstructorMapper(VideoTask.class)
public interface VideoTaskDao {

    String COLUMNS = "id, upstream_id, provider_id, api_key, model, created_at_millis";

    @SqlUpdate("INSERT INTO video_task (" + COLUMNS + ")"
            + " VALUES (:id, :upstreamId, :providerId, :apiKey, :model, :createdAtMillis)")
    void insert(@BindMethods VideoTask task);

    /** The task with this id, only when this key created it: another key's task reads as absent. */
    @SqlQuery("SELECT " + COLUMNS + " FROM video_task WHERE id = :id AND api_key = :apiKey")
    Optional<VideoTask> findOwned(String id, String apiKey);
}
