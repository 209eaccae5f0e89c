package nexus.shared.db;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.ArgumentFactory;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Owns this process's connection to the SQLite file; the only class that knows it is SQLite.
 * Thread-safe. The admin and the proxy open the same file at once: WAL, a busy timeout, IMMEDIATE transactions for
 * writes and deferred ones for reads keep them from failing on each other's locks. Work asked for from a virtual
 * thread runs on platform threads of its own ({@link DatabaseThreads}); a database that stays locked past the busy
 * timeout fails as {@link nexus.shared.error.ApiError#databaseBusy()}.
 */
public final class Database {

    /** How long a statement waits for another connection's lock before it fails as busy. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);

    private final Jdbi jdbi;
    private final Path file;
    private final KeptConnections connections;
    private final DatabaseThreads threads;

    private Database(Jdbi jdbi, Path file, KeptConnections connections, DatabaseThreads threads) {
        this.jdbi = jdbi;
        this.file = file;
        this.connections = connections;
        this.threads = threads;
    }

    /**
     * Opens (creating when absent) the database file and brings its schema up to date; its secrets are encrypted under
     * the key in {@code secret.key} beside it, created when absent.
     */
    public static Database open(Path file) {
        return open(file, null, DEFAULT_BUSY_TIMEOUT);
    }

    /**
     * The same, with the secrets' key given as the base64 of 32 bytes ({@code NEXUS_SECRET_KEY}), or null for the key
     * file. Throws {@link nexus.shared.config.ConfigException} when the key is malformed, lost or not the right one.
     */
    public static Database open(Path file, String secretKey) {
        return open(file, secretKey, DEFAULT_BUSY_TIMEOUT);
    }

    /** The same, waiting at most {@code busyTimeout} for another connection's lock before failing as busy. */
    public static Database open(Path file, Duration busyTimeout) {
        return open(file, null, busyTimeout);
    }

    private static Database open(Path file, String secretKey, Duration busyTimeout) {
        SecretsAtRest.prepareFiles(file);
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);  // durable across process crashes in WAL mode
        sqlite.setBusyTimeout(Math.toIntExact(busyTimeout.toMillis()));
        sqlite.enforceForeignKeys(true);  // provider → models cascade
        SQLiteDataSource dataSource = new SQLiteDataSource(sqlite);
        dataSource.setUrl("jdbc:sqlite:" + file);

        KeptConnections connections = new KeptConnections(dataSource);
        Jdbi jdbi = Jdbi.create(connections).installPlugin(new SqlObjectPlugin());
        registerEnums(jdbi);
        Migrations.apply(jdbi);
        SecretsAtRest.unlock(jdbi, file, secretKey);
        return new Database(jdbi, file, connections, new DatabaseThreads(connections, busyTimeout));
    }

    /**
     * The whole life of a platform thread of the caller's that works on the database now and then (a timer, a
     * background writer): its DAO calls keep one connection across its work instead of opening one, and reading the
     * schema, each time. The connection is closed when work on it fails and when {@code thread} returns.
     */
    public Runnable keepingConnection(Runnable thread) {
        return connections.keeping(thread);
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** A thread-safe DAO that takes a connection per call. */
    public <T> T dao(Class<T> type) {
        return threads.routed(type, jdbi.onDemand(type));
    }

    /** Runs work that writes in one IMMEDIATE transaction (it takes the write lock at once) and returns its result. */
    public <R, X extends Exception> R inTransaction(HandleCallback<R, X> work) throws X {
        return threads.write(() -> jdbi.withHandle(handle ->
                Transactions.immediate(handle.getConnection(), () -> work.withHandle(handle))));
    }

    /** Runs work that only reads in one deferred transaction, which never waits for the write lock. */
    public <R, X extends Exception> R inReadTransaction(HandleCallback<R, X> work) throws X {
        return threads.read(() -> jdbi.withHandle(handle ->
                Transactions.deferred(handle.getConnection(), () -> work.withHandle(handle))));
    }

    /** Inserts usage rows in one transaction on a connection of its own; rows already stored are left as they are. */
    public void insertUsage(List<Usage> rows) {
        threads.write(() -> {
            try (Handle handle = jdbi.open(); UsageInserts inserts = new UsageInserts(handle.getConnection())) {
                inserts.insertAll(rows);
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot insert usage rows", e);
            }
            return null;
        });
    }

    /**
     * A dedicated connection the caller owns and must close; not thread-safe. Run transactions on it with
     * {@link Transactions}. SQLite waits for another connection's lock inside a native call, which holds a virtual
     * thread's carrier: use it from platform threads, or for reads (which never wait in WAL mode) from one virtual
     * thread at a time.
     */
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
        storeByWireName(jdbi, ResponsesMode.class);
        storeDecimalsAsText(jdbi);
    }

    /** Prices are decimal text in SQLite, exact both ways (the driver would make a BigDecimal a REAL). */
    private static void storeDecimalsAsText(Jdbi jdbi) {
        jdbi.registerArgument((ArgumentFactory) (argumentType, value, config) -> BigDecimal.class.equals(argumentType)
                ? Optional.of((position, statement, context) ->
                        statement.setString(position, value == null ? null : ((BigDecimal) value).toPlainString()))
                : Optional.empty());
        jdbi.registerColumnMapper(BigDecimal.class, (rows, column, context) -> {
            String value = rows.getString(column);
            return value == null ? null : new BigDecimal(value);
        });
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
