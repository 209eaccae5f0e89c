package nexus.shared.db;

import java.util.List;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * Reads {@code feedback} for the admin's reports; a rating counts at the time it was last given
 * ({@code updated_at_millis}). Thread-safe when obtained from {@link Database#dao(Class)}.
 */
@RegisterConstructorMapper(Feedback.class)
@RegisterConstructorMapper(RatingCount.class)
public interface FeedbackReportDao {

    String COLUMNS = "generation_id, owner, rating, comment, tags, route, provider_id, model, created_at_millis,"
            + " updated_at_millis";
    String COUNTS = "SUM(CASE WHEN rating = 1 THEN 1 ELSE 0 END) AS up, SUM(CASE WHEN rating = -1 THEN 1 ELSE 0 END)"
            + " AS down";

    /** Ratings given since {@code sinceMillis}, newest first, of one route and one model when they are not null. */
    @SqlQuery("SELECT " + COLUMNS + " FROM feedback WHERE updated_at_millis >= :sinceMillis"
            + " AND (:route IS NULL OR route = :route) AND (:model IS NULL OR model = :model)"
            + " ORDER BY updated_at_millis DESC, generation_id DESC LIMIT :limit")
    List<Feedback> list(long sinceMillis, String route, String model, int limit);

    @SqlQuery("SELECT model AS name, " + COUNTS + " FROM feedback WHERE updated_at_millis >= :sinceMillis"
            + " GROUP BY model ORDER BY model")
    List<RatingCount> countsByModel(long sinceMillis);

    @SqlQuery("SELECT route AS name, " + COUNTS + " FROM feedback WHERE updated_at_millis >= :sinceMillis"
            + " AND route IS NOT NULL GROUP BY route ORDER BY route")
    List<RatingCount> countsByRoute(long sinceMillis);

    /** Every rating given since {@code sinceMillis} that carries tags, for counting by tag. */
    @SqlQuery("SELECT " + COLUMNS + " FROM feedback WHERE updated_at_millis >= :sinceMillis AND tags <> '[]'")
    List<Feedback> tagged(long sinceMillis);

    /** Every rating of generations a route served, oldest first: the order its ELO replays them in. */
    @SqlQuery("SELECT " + COLUMNS + " FROM feedback WHERE route = :route ORDER BY created_at_millis, generation_id")
    List<Feedback> ofRoute(String route);
}
