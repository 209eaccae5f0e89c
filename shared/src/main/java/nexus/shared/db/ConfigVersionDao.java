package nexus.shared.db;

import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** Reads the counter that every change to providers or models bumps (by trigger). */
public interface ConfigVersionDao {

    @SqlQuery("SELECT version FROM config_version WHERE id = 1")
    long current();
}
