package nexus.shared.db;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jdbi.v3.sqlobject.statement.SqlQuery;

import nexus.shared.error.ApiError;

/**
 * The platform threads a process's JDBC work runs on when a virtual thread asks for it. SQLite waits for another
 * connection's lock inside a native call, and a virtual thread in a native call holds its carrier: a few waiting
 * requests would hold every carrier, and the request that holds the lock could never run to release it. So work from
 * a virtual thread is handed to one thread for writes (this process's writers then queue in order, rather than poll
 * SQLite's lock against each other) or to a few for reads (which never wait for a lock in WAL mode), and waits there
 * without holding a carrier; work from a platform thread runs where it is. Each of these threads keeps its connection
 * ({@link KeptConnections}). A failure because the database stayed locked, or work that could not even start within
 * the busy timeout, becomes {@link ApiError#databaseBusy()}. Thread-safe.
 */
final class DatabaseThreads {

    private static final int READ_THREADS = 4;
    private static final long IDLE_SECONDS = 30;

    private final KeptConnections connections;
    private final ExecutorService writes;
    private final ExecutorService reads;
    private final long busyTimeoutNanos;

    DatabaseThreads(KeptConnections connections, Duration busyTimeout) {
        this.connections = connections;
        this.writes = pool("db-write-", 1);
        this.reads = pool("db-read-", READ_THREADS);
        this.busyTimeoutNanos = busyTimeout.toNanos();
    }

    <R, X extends Exception> R write(SqlWork<R, X> work) throws X {
        return run(writes, work);
    }

    <R, X extends Exception> R read(SqlWork<R, X> work) throws X {
        return run(reads, work);
    }

    /** A DAO whose every call runs through {@link #read} (a {@link SqlQuery}) or {@link #write} (any other). */
    <T> T routed(Class<T> type, T dao) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(dao, args);
            }
            SqlWork<Object, Exception> call = () -> invoke(dao, method, args);
            return method.isAnnotationPresent(SqlQuery.class) ? read(call) : write(call);
        }));
    }

    private static Object invoke(Object dao, Method method, Object[] args) throws Exception {
        try {
            return method.invoke(dao, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (Exception) e.getCause();
        }
    }

    private <R, X extends Exception> R run(ExecutorService threads, SqlWork<R, X> work) throws X {
        try {
            return Thread.currentThread().isVirtual() ? handOver(threads, work) : runHere(work);
        } catch (RuntimeException e) {
            throw DatabaseBusy.translated(e);
        } catch (Exception e) {
            if (DatabaseBusy.isCause(e)) {
                throw ApiError.databaseBusy();
            }
            throw e;
        }
    }

    /** Runs work on one of the threads and waits for it, uninterrupted: the work itself cannot be stopped midway. */
    private <R, X extends Exception> R handOver(ExecutorService threads, SqlWork<R, X> work) throws X {
        long queued = System.nanoTime();
        Future<R> result = threads.submit(() -> {
            if (System.nanoTime() - queued > busyTimeoutNanos) {
                throw ApiError.databaseBusy();  // this process's own queue stood still as long as SQLite would wait
            }
            return runHere(work);
        });
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw DatabaseThreads.<X>rethrown(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs work on the calling thread; a kept connection that work failed on is closed (it may be in any state). */
    private <R, X extends Exception> R runHere(SqlWork<R, X> work) throws X {
        try {
            return work.run();
        } catch (Throwable failure) {
            connections.discard();
            throw failure;
        }
    }

    /** The work's own failure, as the work threw it: unchecked, or its one checked type. */
    @SuppressWarnings("unchecked")
    private static <X extends Exception> X rethrown(Throwable failure) {
        if (failure instanceof RuntimeException unchecked) {
            throw unchecked;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return (X) failure;
    }

    private ExecutorService pool(String name, int threads) {
        ThreadFactory platform = Thread.ofPlatform().name(name, 1).daemon(true).factory();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), work -> platform.newThread(connections.keeping(work)));
        pool.allowCoreThreadTimeOut(true);  // no idle threads left behind by a database that is no longer used
        return pool;
    }
}
