package nexus.shared.db;

import java.util.List;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** Reads {@code usage} by route for the admin. Thread-safe when obtained from {@link Database#dao(Class)}. */
@RegisterConstructorMapper(TargetRequests.class)
public interface RouteUsageDao {

    /** The usage rows (one per attempt) of calls that named the route since {@code sinceMillis}, by target. */
    @SqlQuery("SELECT provider_id, model, COUNT(*) AS requests FROM usage WHERE route = :route"
            + " AND created_at_millis >= :sinceMillis GROUP BY provider_id, model")
    List<TargetRequests> requestsByTarget(String route, long sinceMillis);
}
