package nexus.proxy.routing;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.shared.db.ConfigVersionDao;
import nexus.shared.db.Database;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderModelDao;

/**
 * The proxy's cached view of providers and models. Each request asks SQLite, on one held connection, whether any
 * other connection has committed since ({@code PRAGMA data_version}, no disk read); only then is the config version
 * read, and only when that moved are the tables reloaded. So an admin change is seen on the next request, and a
 * request costs no query. Thread-safe.
 *
 * <p>Requests that queue for the check share it: a request that gets the lock after a check has finished which began
 * after the request arrived uses that check's answer, since the check saw every commit made before the request came.
 */
public final class RoutingTable implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RoutingTable.class);

    private final Handle handle;
    private final ConfigVersionDao versions;
    private final PreparedStatement dataVersionQuery;
    private final ReentrantLock lock = new ReentrantLock();
    /** How many checks have begun; a check's number is the count once it began. */
    private final AtomicLong checksBegun = new AtomicLong();
    /** The number of the last finished check; guarded by the lock. */
    private long lastChecked;
    private long dataVersion = Long.MIN_VALUE;
    private long configVersion = Long.MIN_VALUE;
    private volatile Routes routes;

    public RoutingTable(Database database) {
        this.handle = database.openHandle();
        this.versions = handle.attach(ConfigVersionDao.class);
        try {
            this.dataVersionQuery = handle.getConnection().prepareStatement("PRAGMA data_version");
        } catch (SQLException e) {
            handle.close();
            throw new IllegalStateException("Cannot prepare the change check on the database", e);
        }
    }

    /** The routes as committed right now. */
    public Routes current() {
        long arrived = checksBegun.get();
        lock.lock();
        try {
            if (lastChecked > arrived && routes != null) {
                return routes;  // a check that began after this request arrived has just finished
            }
            long check = checksBegun.incrementAndGet();
            long seenData = dataVersion();
            if (seenData != dataVersion || routes == null) {
                dataVersion = seenData;
                long seenConfig = versions.current();
                if (seenConfig != configVersion || routes == null) {
                    configVersion = seenConfig;
                    routes = load();
                }
            }
            lastChecked = check;
            return routes;
        } finally {
            lock.unlock();
        }
    }

    /** Plain JDBC on a prepared statement: this runs on every request. */
    private long dataVersion() {
        try (ResultSet result = dataVersionQuery.executeQuery()) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read PRAGMA data_version", e);
        }
    }

    private Routes load() {
        Routes loaded = handle.inTransaction(transaction -> new Routes(
                transaction.attach(ProviderDao.class).listEnabled(),
                transaction.attach(ProviderModelDao.class).listEnabled()));
        log.debug("Routing table reloaded at config version {}", configVersion);
        return loaded;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            dataVersionQuery.close();
            handle.close();
        } catch (SQLException e) {
            log.warn("Closing the change check failed: {}", e.getMessage());
        } finally {
            lock.unlock();
        }
    }
}
