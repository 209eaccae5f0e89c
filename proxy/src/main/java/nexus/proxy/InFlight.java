package nexus.proxy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.javalin.http.Handler;

import nexus.shared.error.ApiError;

/**
 * Counts the requests being served so shutdown can let them finish: once draining, new requests get 503 and
 * {@link #awaitIdle} waits (bounded) for the running ones. Thread-safe, and lock-free for requests: a request counts
 * itself in first and only then looks at the flag (backing out when draining), so a drain that set the flag and then
 * reads the count cannot miss a request that got past the flag. Only the request that leaves last while draining
 * takes the lock, to wake the drain.
 */
public final class InFlight {

    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean draining;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();

    /** Wraps a handler so it is counted while it runs. */
    public Handler guard(Handler handler) {
        return ctx -> {
            enter();
            try {
                handler.handle(ctx);
            } finally {
                exit();
            }
        };
    }

    /** Counts one request in; 503 shutting_down once draining has begun. */
    public void enter() {
        running.incrementAndGet();
        if (draining) {
            exit();
            throw ApiError.shuttingDown();
        }
    }

    public void exit() {
        if (running.decrementAndGet() == 0 && draining) {
            lock.lock();
            try {
                idle.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Refuses new requests from now on and waits up to {@code timeout} for running ones; returns how many remain. */
    public int drain(Duration timeout) {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            long remaining;
            while (running.get() > 0 && (remaining = deadline - System.nanoTime()) > 0) {
                idle.awaitNanos(remaining);  // the last exit signals under the lock, so no wake-up is lost
            }
            return running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return running.get();
        } finally {
            lock.unlock();
        }
    }
}
