package nexus.shared.db;

import java.util.List;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** Reads {@code upstream_health} for the admin. Thread-safe when obtained from {@link Database#dao(Class)}. */
@RegisterConstructorMapper(PublishedHealth.class)
public interface PublishedHealthDao {

    /** Every published circuit, by provider id, model name, then route (the instance-wide circuit first). */
    @SqlQuery("SELECT h.provider_id, p.name AS provider_name, h.model_name, h.route, h.state, h.report,"
            + " h.updated_at_millis FROM upstream_health h LEFT JOIN provider p ON p.id = h.provider_id"
            + " ORDER BY h.provider_id, h.model_name, h.route")
    List<PublishedHealth> listAll();
}
