package nexus.shared.db;

import java.util.List;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** Reads {@code feedback} for the learning router. Thread-safe when obtained from {@link Database#dao(Class)}. */
@RegisterConstructorMapper(TargetRating.class)
public interface TargetRatingDao {

    /** Every rating last given at or after {@code sinceMillis}, oldest first. */
    @SqlQuery("SELECT provider_id, model, rating, updated_at_millis FROM feedback"
            + " WHERE updated_at_millis >= :sinceMillis ORDER BY updated_at_millis, generation_id")
    List<TargetRating> since(long sinceMillis);
}
