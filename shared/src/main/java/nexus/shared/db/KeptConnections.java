package nexus.shared.db;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.jdbi.v3.core.ConnectionFactory;

/**
 * The connections JDBI opens. A database thread ({@link DatabaseThreads}), or a background thread started through
 * {@link Database#keepingConnection}, keeps one for all its work, which spares every call opening a connection and
 * reading the schema again; it is closed when work on it fails (that may leave it in any state) and when the thread
 * ends. Any other thread gets a new connection per handle. Thread-safe.
 */
final class KeptConnections implements ConnectionFactory {

    /** A database thread's kept connection, null until its first work and after a failure. */
    private static final class Kept {
        Connection connection;
    }

    private final DataSource source;
    private final ThreadLocal<Kept> kept = new ThreadLocal<>();  // set on database threads only

    KeptConnections(DataSource source) {
        this.source = source;
    }

    /** The whole life of a database thread: it keeps a connection across its work and closes it at the end. */
    Runnable keeping(Runnable thread) {
        return () -> {
            kept.set(new Kept());
            try {
                thread.run();
            } finally {
                discard();
            }
        };
    }

    @Override
    public Connection openConnection() throws SQLException {
        Kept own = kept.get();
        if (own == null) {
            return source.getConnection();
        }
        if (own.connection == null) {
            own.connection = source.getConnection();
        }
        return own.connection;
    }

    @Override
    public void closeConnection(Connection connection) throws SQLException {
        Kept own = kept.get();
        if (own == null || own.connection != connection) {
            connection.close();
        }
    }

    /** Closes the calling database thread's kept connection, if it has one; the next work opens a new one. */
    void discard() {
        Kept own = kept.get();
        if (own == null || own.connection == null) {
            return;
        }
        Connection closing = own.connection;
        own.connection = null;
        try {
            closing.close();
        } catch (SQLException e) {
            // A connection nobody uses any more failed to close: nothing to do about it.
        }
    }
}
