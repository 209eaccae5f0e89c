package nexus.shared.db;

import java.util.List;
import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code route} and {@code route_target}. Thread-safe when obtained from {@link Database#dao(Class)}. */
@RegisterConstructorMapper(Route.class)
@RegisterConstructorMapper(RouteTarget.class)
public interface RouteDao {

    String COLUMNS = "id, name, type, strategy, description, enabled, max_attempts, deadline_ms, first_token_timeout_ms,"
            + " health_failures, health_window_ms, health_cooldown_ms, created_at_millis, updated_at_millis";
    String TARGET_COLUMNS = "route_id, position, provider_id, model_name, weight";

    @SqlQuery("SELECT " + COLUMNS + " FROM route ORDER BY id")
    List<Route> listAll();

    @SqlQuery("SELECT " + COLUMNS + " FROM route WHERE id = :id")
    Optional<Route> findById(long id);

    @SqlQuery("SELECT " + COLUMNS + " FROM route WHERE name = :name")
    Optional<Route> findByName(String name);

    /** Every route's targets, by route and then in the route's order. */
    @SqlQuery("SELECT " + TARGET_COLUMNS + " FROM route_target ORDER BY route_id, position")
    List<RouteTarget> listAllTargets();

    @SqlQuery("SELECT " + TARGET_COLUMNS + " FROM route_target WHERE route_id = :routeId ORDER BY position")
    List<RouteTarget> listTargets(long routeId);

    /** The name of the lowest-id provider with a model of this name, if any: a route may not take that name. */
    @SqlQuery("SELECT p.name FROM provider_model m JOIN provider p ON p.id = m.provider_id"
            + " WHERE m.model_name = :modelName ORDER BY p.id LIMIT 1")
    Optional<String> providerWithModel(String modelName);

    @SqlUpdate("INSERT INTO route (name, type, strategy, description, enabled, max_attempts, deadline_ms,"
            + " first_token_timeout_ms, health_failures, health_window_ms, health_cooldown_ms, created_at_millis,"
            + " updated_at_millis) VALUES (:name, :type, :strategy, :description, :enabled, :maxAttempts, :deadlineMs,"
            + " :firstTokenTimeoutMs, :healthFailures, :healthWindowMs, :healthCooldownMs, :createdAtMillis,"
            + " :updatedAtMillis)")
    @GetGeneratedKeys("id")
    long insert(@BindMethods Route route);

    /** Writes every column but the id and creation time; false when the route is unknown. */
    @SqlUpdate("UPDATE route SET name = :name, type = :type, strategy = :strategy, description = :description,"
            + " enabled = :enabled, max_attempts = :maxAttempts, deadline_ms = :deadlineMs,"
            + " first_token_timeout_ms = :firstTokenTimeoutMs, health_failures = :healthFailures,"
            + " health_window_ms = :healthWindowMs, health_cooldown_ms = :healthCooldownMs,"
            + " updated_at_millis = :updatedAtMillis WHERE id = :id")
    boolean update(@BindMethods Route route);

    @SqlUpdate("INSERT INTO route_target (" + TARGET_COLUMNS + ") VALUES (:routeId, :position, :providerId,"
            + " :modelName, :weight)")
    void insertTarget(@BindMethods RouteTarget target);

    @SqlUpdate("DELETE FROM route_target WHERE route_id = :routeId")
    void deleteTargets(long routeId);

    /** Deletes the route and, by cascade, its targets. */
    @SqlUpdate("DELETE FROM route WHERE id = :id")
    boolean deleteById(long id);
}
