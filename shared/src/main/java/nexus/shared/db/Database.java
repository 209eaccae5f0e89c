package nexus.shared.db;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.ArgumentFactory;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Owns this process's connection to the SQLite file; the only class that knows it is SQLite.
 * Thread-safe. The admin and the proxy open the same file at once: WAL, a busy timeout and IMMEDIATE transactions
 * keep them from failing on each other's locks.
 */
public final class Database {

    /** How long a statement waits for another connection's lock before it fails as busy. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);

    private final Jdbi jdbi;
    private final Path file;

    private Database(Jdbi jdbi, Path file) {
        this.jdbi = jdbi;
        this.file = file;
    }

    /** Opens (creating when absent) the database file and brings its schema up to date. */
    public static Database open(Path file) {
        return open(file, DEFAULT_BUSY_TIMEOUT);
    }

    /** The same, waiting at most {@code busyTimeout} for another connection's lock before failing as busy. */
    public static Database open(Path file, Duration busyTimeout) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the folder for " + file, e);
        }
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);  // durable across process crashes in WAL mode
        sqlite.setBusyTimeout(Math.toIntExact(busyTimeout.toMillis()));
        sqlite.enforceForeignKeys(true);                                    // provider → models cascade
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);  // take the write lock at BEGIN
        SQLiteDataSource dataSource = new SQLiteDataSource(sqlite);
        dataSource.setUrl("jdbc:sqlite:" + file);

        Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
        registerEnums(jdbi);
        Migrations.apply(jdbi);
        return new Database(jdbi, file);
    }

    /** A thread-safe DAO that takes a connection per call. */
    public <T> T dao(Class<T> type) {
        return jdbi.onDemand(type);
    }

    /** Runs work in one IMMEDIATE transaction and returns its result. */
    public <R, X extends Exception> R inTransaction(HandleCallback<R, X> work) throws X {
        return jdbi.inTransaction(work);
    }

    /** Inserts usage rows in one transaction on a connection of its own. */
    public void insertUsage(List<Usage> rows) {
        try (Handle handle = jdbi.open(); UsageInserts inserts = new UsageInserts(handle.getConnection())) {
            inserts.insertAll(rows);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot insert usage rows", e);
        }
    }

    /** A dedicated connection the caller owns and must close; not thread-safe. */
    public Handle openHandle() {
        return jdbi.open();
    }

    /**
     * A watch on commits to this database, for a caller that holds {@code connection} open (it keeps the watched
     * file in place) and has read through it.
     */
    public CommitWatch commitWatch(Handle connection) {
        connection.createQuery("PRAGMA data_version").mapTo(Long.class).one();  // a read creates the wal-index
        return CommitWatch.of(file);
    }

    /** Every enum the schema stores is its wire name, both ways. */
    private static void registerEnums(Jdbi jdbi) {
        storeByWireName(jdbi, ProviderKind.class);
        storeByWireName(jdbi, ModelType.class);
        storeByWireName(jdbi, UsageSource.class);
    }

    private static <E extends Enum<E> & WireNamed> void storeByWireName(Jdbi jdbi, Class<E> type) {
        jdbi.registerArgument((ArgumentFactory) (argumentType, value, config) -> type.equals(argumentType)
                ? Optional.of((position, statement, context) ->
                        statement.setString(position, value == null ? null : type.cast(value).wireName()))
                : Optional.empty());
        jdbi.registerColumnMapper(type, (rows, column, context) -> {
            String value = rows.getString(column);
            return WireNamed.find(type, value).orElseThrow(() -> new IllegalStateException(
                    "Unknown " + type.getSimpleName() + " in the database: " + value));
        });
    }
}
