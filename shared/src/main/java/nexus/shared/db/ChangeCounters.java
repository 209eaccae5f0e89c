package nexus.shared.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The two counters that tell a cached view of providers and models whether to reload, read with plain JDBC through
 * statements prepared once on a connection the caller holds (the same read through a JDBI SQL object took 0.5 ms):
 * {@code PRAGMA data_version}, which moves when another connection commits, and the config version, which every
 * change to providers or models bumps (by trigger). Not thread-safe: one per connection, used by one thread at a time.
 */
public final class ChangeCounters implements AutoCloseable {

    private final PreparedStatement dataVersion;
    private final PreparedStatement configVersion;

    public ChangeCounters(Connection connection) throws SQLException {
        this.dataVersion = connection.prepareStatement("PRAGMA data_version");
        try {
            this.configVersion = connection.prepareStatement("SELECT version FROM config_version WHERE id = 1");
        } catch (SQLException e) {
            dataVersion.close();
            throw e;
        }
    }

    /** Moves whenever another connection, in this process or another, has committed since the last reading. */
    public long dataVersion() throws SQLException {
        return single(dataVersion);
    }

    /** Moves whenever a provider or a model is added, changed or deleted. */
    public long configVersion() throws SQLException {
        return single(configVersion);
    }

    private static long single(PreparedStatement query) throws SQLException {
        try (ResultSet result = query.executeQuery()) {
            if (!result.next()) {
                throw new SQLException("The query returned no row");
            }
            return result.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            dataVersion.close();
        } finally {
            configVersion.close();
        }
    }
}
