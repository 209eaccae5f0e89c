package nexus.proxy;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.javalin.http.Handler;

import nexus.shared.error.ApiError;

/**
 * Counts the requests being served so shutdown can let them finish: once draining, new requests get 503 and
 * {@link #awaitIdle} waits (bounded) for the running ones. Thread-safe.
 */
public final class InFlight {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int running;
    private boolean draining;

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
        lock.lock();
        try {
            if (draining) {
                throw ApiError.shuttingDown();
            }
            running++;
        } finally {
            lock.unlock();
        }
    }

    public void exit() {
        lock.lock();
        try {
            running--;
            if (running == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new requests from now on and waits up to {@code timeout} for running ones; returns how many remain. */
    public int drain(Duration timeout) {
        lock.lock();
        try {
            draining = true;
            long remaining = timeout.toNanos();
            while (running > 0 && remaining > 0) {
                remaining = idle.awaitNanos(remaining);
            }
            return running;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return running;
        } finally {
            lock.unlock();
        }
    }

    public int running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }
}
