package nexus.proxy.upstream;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import okhttp3.Call;
import okhttp3.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every upstream call from one ticking thread: a call quiet for longer than the read timeout (the longest
 * wait for headers or between two chunks) is cancelled and marked timed out, instead of OkHttp's per-read timeouts,
 * whose one process-wide lock every read of every call contends for (measured: 17% more JSON requests per second
 * without them); and a call whose client has left is cancelled and marked so, at most {@link #CLIENT_CHECK_MILLIS}
 * after it left, even while nothing is being written to that client. A stream may also be given a shorter limit on
 * the wait for its first event ({@link #firstEventWithin}): one timer on the same thread cancels it when that passes,
 * to the millisecond, so a route can move on to its next target. Thread-safe.
 */
public final class UpstreamWatchdog implements AutoCloseable {

    /** How often each call's client is asked whether it is still there. */
    static final long CLIENT_CHECK_MILLIS = 200;
    private static final Logger log = LoggerFactory.getLogger(UpstreamWatchdog.class);

    private final long timeoutNanos;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Client> clients = new ThreadLocal<>();
    private final Scope endServing = clients::remove;
    /** Per thread, the limit {@link #firstEventWithin} set on the wait for a stream's first event, in nanoseconds. */
    private final ThreadLocal<Long> firstEventLimits = new ThreadLocal<>();
    private final Scope endFirstEventLimit = firstEventLimits::remove;
    private final ScheduledThreadPoolExecutor ticker;

    public UpstreamWatchdog(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        long tickMillis = Math.clamp(timeout.toMillis() / 10, 10, CLIENT_CHECK_MILLIS);
        this.ticker = new ScheduledThreadPoolExecutor(1,
                task -> Thread.ofPlatform().daemon(true).name("upstream-watchdog").unstarted(task));
        ticker.setRemoveOnCancelPolicy(true);  // a first event that came in time leaves no timer behind
        ticker.scheduleAtFixedRate(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    /** The client an upstream call is made for, as far as the watchdog can tell whether it is still there. */
    @FunctionalInterface
    public interface Client {

        /**
         * True once the client has left. Called on the watchdog's thread only, and never again once the watch of the
         * call has closed; it must not block.
         */
        boolean gone();

        /**
         * The upstream answered the call made for this client, with these headers (success or error alike). Called on
         * the thread that made the call, before the answer is read; a client that has no headers ignores it.
         */
        default void upstreamAnswered(Headers headers) {}
    }

    /** Ends what {@link #serving} began. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * The calls this thread starts until the scope closes are made for {@code client}: each is cancelled once the
     * client is gone. A request's edge opens the scope around its handler; the calls deeper down need not know.
     */
    public Scope serving(Client client) {
        clients.set(client);
        return endServing;
    }

    /**
     * The streams this thread starts until the scope closes must send their first event within {@code nanos} of
     * their start (headers included), or are cancelled and marked {@link Watch#firstEventLate() late}. A route's
     * failover opens the scope around its attempts; the calls deeper down need not know.
     */
    public Scope firstEventWithin(long nanos) {
        firstEventLimits.set(nanos);
        return endFirstEventLimit;
    }

    /**
     * Starts watching a call, for the client this thread serves, if any, and for a {@code stream} under the first
     * event limit this thread set, if any; close the watch when the call is over.
     */
    public Watch watch(Call call, boolean stream) {
        Long firstEventLimit = stream ? firstEventLimits.get() : null;
        Watch watch = new Watch(call, clients.get(), firstEventLimit == null ? 0 : firstEventLimit);
        watches.add(watch);
        if (firstEventLimit != null) {
            watch.firstEventDue = ticker.schedule(watch::firstEventOverdue, firstEventLimit, TimeUnit.NANOSECONDS);
        }
        return watch;
    }

    private void tick() {
        long now = System.nanoTime();
        for (Watch watch : watches) {
            if (now - watch.lastActivityNanos > timeoutNanos) {
                watch.timedOut = true;
                watches.remove(watch);
                watch.call.cancel();
            } else if (watch.clientGone()) {
                watch.clientLeft = true;
                watches.remove(watch);
                watch.call.cancel();
            }
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }

    /** One watched call: each sign of life restarts its clock. */
    public final class Watch implements AutoCloseable {

        private static final int WATCHED = 0;
        private static final int ASKING_CLIENT = 1;
        private static final int CLOSED = 2;
        private static final int AWAITED = 0;
        private static final int ARRIVED = 1;
        private static final int LATE = 2;
        private static final VarHandle STATE;
        private static final VarHandle FIRST_EVENT;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Watch.class, "state", int.class);
                FIRST_EVENT = MethodHandles.lookup().findVarHandle(Watch.class, "firstEvent", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Call call;
        private final Client client;
        /** The limit on the wait for the first event, in nanoseconds; 0: none. */
        private final long firstEventLimitNanos;
        private volatile long lastActivityNanos = System.nanoTime();
        private volatile boolean timedOut;
        private volatile boolean clientLeft;
        private volatile int state;
        /** {@link #AWAITED} until the first event {@link #ARRIVED} or the limit passed ({@link #LATE}). */
        private volatile int firstEvent;
        /** The timer of the first event limit; set by the thread that reads the call, before it reads. */
        private ScheduledFuture<?> firstEventDue;

        private Watch(Call call, Client client, long firstEventLimitNanos) {
            this.call = call;
            this.client = client;
            this.firstEventLimitNanos = firstEventLimitNanos;
        }

        /** The upstream's answer began: its headers go to the client the call is made for, if any. */
        public void answered(Headers headers) {
            if (client != null) {
                client.upstreamAnswered(headers);
            }
        }

        /** The upstream just sent something. */
        public void touch() {
            lastActivityNanos = System.nanoTime();
        }

        /** True when the call was cancelled for being quiet too long: its IOException means a timeout. */
        public boolean timedOut() {
            return timedOut;
        }

        /** True when the call was cancelled because its client left: its IOException means nobody waits for it. */
        public boolean clientLeft() {
            return clientLeft;
        }

        /**
         * The stream's first event arrived: true, and its limit no longer applies, unless the limit passed first (the
         * call is then cancelled, and this event must not be used either). Always true for a call without a limit.
         */
        public boolean firstEventArrived() {
            if (firstEventLimitNanos == 0 || firstEvent == ARRIVED) {
                return true;
            }
            if (FIRST_EVENT.compareAndSet(this, AWAITED, ARRIVED)) {
                firstEventDue.cancel(false);
                return true;
            }
            return false;
        }

        /** True when the call was cancelled for sending no first event within its limit. */
        public boolean firstEventLate() {
            return firstEvent == LATE;
        }

        /** The limit on the wait for the first event, in milliseconds; 0: none. */
        public long firstEventLimitMillis() {
            return TimeUnit.NANOSECONDS.toMillis(firstEventLimitNanos);
        }

        /** On the watchdog's thread: the limit passed; the call is cancelled unless its first event came in time. */
        private void firstEventOverdue() {
            if (FIRST_EVENT.compareAndSet(this, AWAITED, LATE)) {
                watches.remove(this);
                call.cancel();
            }
        }

        /** Asks the client, unless the watch is closing. A failing question counts as "still there". */
        private boolean clientGone() {
            if (client == null || !STATE.compareAndSet(this, WATCHED, ASKING_CLIENT)) {
                return false;
            }
            try {
                return client.gone();
            } catch (RuntimeException e) {
                log.debug("Could not tell whether the client of an upstream call is still there", e);
                return false;
            } finally {
                state = WATCHED;
            }
        }

        /**
         * Stops watching. Waits out a question to the client under way (a non-blocking check): once the call's request
         * ends, its connection may carry the client's next request, which the client must no longer look at.
         */
        @Override
        public void close() {
            watches.remove(this);
            if (firstEventDue != null && firstEvent == AWAITED) {
                firstEventDue.cancel(false);
            }
            if (client == null) {
                return;
            }
            while (!STATE.compareAndSet(this, WATCHED, CLOSED)) {
                if (state == CLOSED) {
                    return;
                }
                Thread.yield();
            }
        }
    }
}
