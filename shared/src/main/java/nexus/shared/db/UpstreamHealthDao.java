package nexus.shared.db;

import java.util.List;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code upstream_health}: the proxy publishes each circuit's breaker state, the admin reads it. */
@RegisterConstructorMapper(UpstreamHealth.class)
public interface UpstreamHealthDao {

    /** Inserts or replaces the row of each circuit. */
    @SqlBatch("INSERT INTO upstream_health (provider_id, model_name, route, state, report, updated_at_millis)"
            + " VALUES (:providerId, :modelName, :route, :state, :report, :updatedAtMillis)"
            + " ON CONFLICT (provider_id, model_name, route) DO UPDATE SET state = excluded.state,"
            + " report = excluded.report, updated_at_millis = excluded.updated_at_millis")
    void upsert(@BindMethods List<UpstreamHealth> rows);

    /** Deletes the rows of the circuits given as parallel lists of their provider ids, model names and routes. */
    @SqlBatch("DELETE FROM upstream_health WHERE provider_id = :providerId AND model_name = :modelName"
            + " AND route = :route")
    void delete(@Bind("providerId") List<Long> providerIds, @Bind("modelName") List<String> modelNames,
                @Bind("route") List<String> routes);

    /** Deletes every row. */
    @SqlUpdate("DELETE FROM upstream_health")
    void deleteAll();

    @SqlQuery("SELECT provider_id, model_name, route, state, report, updated_at_millis FROM upstream_health"
            + " ORDER BY provider_id, model_name, route")
    List<UpstreamHealth> listAll();
}
