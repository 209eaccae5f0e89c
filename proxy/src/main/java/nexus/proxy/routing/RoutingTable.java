package nexus.proxy.routing;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.billing.Accounts;
import nexus.proxy.billing.Billing;
import nexus.proxy.health.TargetHealth;
import nexus.shared.db.ApiKey;
import nexus.shared.db.ApiKeyDao;
import nexus.shared.db.ChangeCounters;
import nexus.shared.db.CommitWatch;
import nexus.shared.db.Database;
import nexus.shared.db.DatabaseBusy;
import nexus.shared.db.LedgerDao;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderModelDao;
import nexus.shared.db.RouteDao;
import nexus.shared.db.Transactions;

/**
 * The proxy's cached view of providers, models and issued keys (and, through {@link Accounts}, the admin's side of
 * their money). Each request first looks at the database's commit watch (a few
 * memory reads); only when something was committed since the last check does it ask SQLite, on one held connection,
 * whether another connection committed ({@code PRAGMA data_version}), then read the config version, and only when
 * that moved are the tables reloaded, in a deferred transaction that never waits for the write lock. So an admin
 * change is seen on the next request, and a request costs neither a query nor a lock. Thread-safe.
 */
public final class RoutingTable implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RoutingTable.class);

    private final Handle handle;
    private final ChangeCounters counters;
    private final CommitWatch commits;
    private final Accounts accounts;
    private final Billing billing;
    private final TargetHealth health;
    private final ReentrantLock lock = new ReentrantLock();
    private long dataVersion = Long.MIN_VALUE;
    private long configVersion = Long.MIN_VALUE;
    private volatile Checked checked;

    /** The routes a check found, and the commit watch's header as it was before that check began. */
    private record Checked(long[] header, Routes routes) {}

    public RoutingTable(Database database, Accounts accounts, Billing billing) {
        this(database, accounts, billing, TargetHealth.withDefaults());
    }

    /** The same, keeping each target's breaker in {@code health} across reloads. */
    public RoutingTable(Database database, Accounts accounts, Billing billing, TargetHealth health) {
        this.health = health;
        this.accounts = accounts;
        this.billing = billing;
        this.handle = database.openHandle();
        try {
            this.counters = new ChangeCounters(handle.getConnection());
        } catch (SQLException e) {
            handle.close();
            throw new IllegalStateException("Cannot prepare the change check on the database", e);
        }
        this.commits = database.commitWatch(handle);
        if (!commits.sees()) {
            log.warn("The database's wal-index cannot be watched; every request checks PRAGMA data_version");
        }
    }

    /** Admits the calls of the callers these routes authenticate against their keys' money and limits. */
    public Billing billing() {
        return billing;
    }

    /** The routes as committed right now. */
    public Routes current() {
        Checked last = checked;
        if (last != null && commits.unchangedSince(last.header())) {
            return last.routes();
        }
        lock.lock();
        try {
            last = checked;
            if (last != null && commits.unchangedSince(last.header())) {
                return last.routes();  // a request that queued on the lock with this one has just checked
            }
            // Runs here, on the request's thread: the lock lets one caller at a time into SQLite, and a deferred
            // read waits for no other connection's lock, so it holds one carrier briefly, never all of them.
            Checked now = check(last);
            checked = now;
            return now.routes();
        } catch (RuntimeException e) {
            throw DatabaseBusy.translated(e);
        } finally {
            lock.unlock();
        }
    }

    /** Asks SQLite what was committed since the previous check; called with the lock held. */
    private Checked check(Checked previous) {
        long[] header = commits.look();  // before the check: a commit after this point changes it again
        Routes routes = previous == null ? null : previous.routes();
        try {
            long seenData = counters.dataVersion();
            if (seenData != dataVersion || routes == null) {
                dataVersion = seenData;
                long seenConfig = counters.configVersion();
                if (seenConfig != configVersion || routes == null) {
                    configVersion = seenConfig;
                    routes = load();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot check the database for changes to providers and models", e);
        }
        return new Checked(header, routes);
    }

    private Routes load() {
        Routes loaded = Transactions.deferred(handle.getConnection(), () -> {
            List<ApiKey> keys = handle.attach(ApiKeyDao.class).listActive();
            LedgerDao ledger = handle.attach(LedgerDao.class);
            accounts.configure(keys, ledger.credits(), ledger.lastTopups());  // before any caller can reach them
            RouteDao routes = handle.attach(RouteDao.class);
            return new Routes(handle.attach(ProviderDao.class).listEnabled(),
                    handle.attach(ProviderModelDao.class).listEnabled(), keys, routes.listAll(),
                    routes.listAllTargets(), health);
        });
        health.forgetUnused();
        log.debug("Routing table reloaded at config version {}", configVersion);
        return loaded;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            counters.close();
            handle.close();
        } catch (SQLException e) {
            log.warn("Closing the change check failed: {}", e.getMessage());
        } finally {
            lock.unlock();
        }
    }
}
