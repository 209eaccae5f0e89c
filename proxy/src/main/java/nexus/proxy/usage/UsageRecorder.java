package nexus.proxy.usage;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.billing.Charge;
import nexus.proxy.chat.StreamRelay;
import nexus.shared.db.Database;
import nexus.shared.db.Provider;
import nexus.shared.db.Secrets;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageInserts;
import nexus.shared.db.UsageSource;
import nexus.shared.error.ApiError;

/**
 * Records usage rows off the request path: {@link #record} only queues a row; one writer thread, on one held
 * connection, gathers the rows that arrive within {@link #GATHER_MILLIS} of the first and inserts them in one
 * transaction, then writes their access log lines and runs the after-write action. A batch that fails is tried again
 * on a new connection (the failed one may be in any state); a row already stored is skipped, so none is stored twice.
 * {@link #close()} writes what is still queued; {@link #awaitWritten} waits for what is queued so far, and
 * {@link #isQueued} tells whether a row is among it. Thread-safe.
 */
public final class UsageRecorder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UsageRecorder.class);
    private static final Logger access = LoggerFactory.getLogger("nexus.proxy.access");
    static final long GATHER_MILLIS = 50;
    private static final int WRITE_ATTEMPTS = 5;
    private static final long RETRY_PAUSE_MILLIS = 100;
    private static final String MARK_PREFIX = "mark:";  // never a request id's start (see RequestIds)
    private static final Usage STOP = placeholder("");

    private final Database database;
    private final Runnable afterWrite;
    private final BlockingQueue<Usage> queue = new LinkedBlockingQueue<>();
    /**
     * The rows the writer took from the queue and has not yet written (or given up on). A row leaves only once its
     * batch is committed; the queue hands rows over to it under the queue's lock, so a row is always in one of the two,
     * in the table, or was never queued (but for the instant the writer takes a batch's first row).
     */
    private final List<Usage> batch = Collections.synchronizedList(new ArrayList<>());
    /** Marks queued by {@link #awaitWritten}, by their request ids; a mark is never written. */
    private final Map<String, CountDownLatch> marks = new ConcurrentHashMap<>();
    private final AtomicLong markCount = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;
    private Handle connection;  // the writer thread's, opened when first needed and again after a failure
    private UsageInserts inserts;

    /**
     * @param afterWrite run on the writer thread after each batch is committed: the proxy re-checks its routing table
     *                   there, so the next request does not pay for noticing the writer's own commit
     */
    public UsageRecorder(Database database, Runnable afterWrite) {
        this.database = database;
        this.afterWrite = afterWrite;
        this.writer = Thread.ofPlatform().name("usage-writer").daemon(true).start(this::writeLoop);
    }

    /**
     * Queues the row of a call that ended: its status (and error code), whether it was cut short, the tokens it used,
     * when its first content arrived ({@link System#nanoTime()}, 0 for none) and how many images it made; settles
     * its admission with the cost (a call that failed costs nothing unless the upstream reported usage; one the
     * client left is charged for what the upstream made), and tells it how the call ended. Answers the charge.
     */
    public Charge record(RecordedCall call, boolean stream, int status, String errorCode, boolean truncated,
                         TokenUsage used, long firstContentNanos, long images) {
        call.admission().ended(status, errorCode);
        boolean billable = status == 200 || status == StreamRelay.CLIENT_CLOSED || used.source() == UsageSource.REPORTED;
        Charge charge = call.admission().settle(call.target(), used, images, 0, billable);
        Provider provider = call.target().provider();
        long latencyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call.startNanos());
        Long firstTokenMillis = firstContentNanos == 0 ? null
                : TimeUnit.NANOSECONDS.toMillis(firstContentNanos - call.startNanos());
        record(new Usage(0, call.requestId(), call.apiKey(), provider.id(), provider.name(), call.target().model(),
                call.conversationId(), call.endpoint(), stream, used.promptTokens(), used.completionTokens(),
                used.totalTokens(), used.source(), status, truncated, errorCode, latencyMillis, firstTokenMillis,
                call.startMillis(), used.cacheReadTokens(), used.cacheCreationTokens(), images,
                call.admission().keyId(), charge.costNanos(), charge.billedToBalance(), call.tried().number(),
                call.tried().route(), call.tried().pastOpenCircuit()));
        return charge;
    }

    /** Queues the row of a call that failed before any answer: no tokens, nothing truncated. */
    public void recordFailure(RecordedCall call, boolean stream, ApiError error) {
        record(call, stream, error.status(), error.code(), false, TokenUsage.MISSING, 0, 0);
    }

    /** Queues one row; never blocks on the database. */
    public void record(Usage row) {
        if (closed) {
            log.warn("Usage row {} arrived after shutdown; writing it directly", row.requestId());
            try {
                write(database::insertUsage, List.of(row));
            } catch (InterruptedException e) {
                log.error("Usage row {} is lost: interrupted while writing it", row.requestId());
                Thread.currentThread().interrupt();
            }
            return;
        }
        queue.add(row);
    }

    /**
     * True while the row of this request id, of the client its usage rows name {@code apiKey}, waits to be written.
     * Looks through what is queued: for the rare caller that must tell a late row from none.
     */
    public boolean isQueued(String requestId, String apiKey) {
        Predicate<Usage> sought = row -> row.requestId().equals(requestId) && apiKey.equals(row.apiKey());
        if (queue.stream().anyMatch(sought)) {  // the queue first: a row it hands over meanwhile is in the batch after
            return true;
        }
        synchronized (batch) {
            return batch.stream().anyMatch(sought);
        }
    }

    private void writeLoop() {
        try {
            boolean stop = false;
            while (!stop) {
                batch.add(queue.take());
                if (batch.getFirst() != STOP) {
                    // Sleeps rather than polls row by row: a waiting poll would be woken by every row queued.
                    Thread.sleep(GATHER_MILLIS);
                }
                queue.drainTo(batch);
                stop = batch.remove(STOP);
                List<CountDownLatch> reached = takeMarks(batch);
                if (!batch.isEmpty()) {
                    write(this::insertOnHeldConnection, batch);
                    runAfterWrite();
                }
                reached.forEach(CountDownLatch::countDown);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            discardConnection();
        }
    }

    /**
     * Waits until every row queued before this call has been written (or given up on after its attempts), at most
     * {@code timeout}; false when the time ran out. Nothing is waited for after {@link #close}, which wrote them all.
     */
    public boolean awaitWritten(Duration timeout) throws InterruptedException {
        if (closed) {
            return true;
        }
        String markId = MARK_PREFIX + markCount.incrementAndGet();
        CountDownLatch written = new CountDownLatch(1);
        marks.put(markId, written);
        queue.add(placeholder(markId));  // rows are written in queue order: once past the mark, all before it are
        try {
            return written.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            marks.remove(markId);
        }
    }

    /** Takes the marks out of a batch (also those whose waiter gave up); answers the latches of those still awaited. */
    private List<CountDownLatch> takeMarks(List<Usage> batch) {
        List<CountDownLatch> reached = new ArrayList<>();
        batch.removeIf(row -> {
            if (!row.requestId().startsWith(MARK_PREFIX)) {
                return false;
            }
            CountDownLatch latch = marks.get(row.requestId());
            if (latch != null) {
                reached.add(latch);
            }
            return true;
        });
        return reached;
    }

    /** A queued row that is never written: the writer's stop, or a mark. */
    private static Usage placeholder(String requestId) {
        return new Usage(0, requestId, "", 0, "", "", "", "", false, 0, 0, 0, null, 0, false, null, 0, null, 0, 0, 0, 0,
                null, 0, false);
    }

    private void insertOnHeldConnection(List<Usage> rows) throws SQLException {
        try {
            if (inserts == null) {
                connection = database.openHandle();
                inserts = new UsageInserts(connection.getConnection());
            }
            inserts.insertAll(rows);
        } catch (SQLException | RuntimeException e) {
            discardConnection();
            throw e;
        }
    }

    private void discardConnection() {
        Handle closing = connection;
        try (closing) {  // closed after its statement, also when closing that fails
            if (inserts != null) {
                inserts.close();
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("Closing the usage writer's connection failed: {}", e.getMessage());
        } finally {
            inserts = null;
            connection = null;
        }
    }

    private void runAfterWrite() {
        try {
            afterWrite.run();
        } catch (RuntimeException e) {
            log.warn("The action after writing usage rows failed: {}", e.getMessage());
        }
    }

    /** Inserts rows on a connection: the writer's held one, or after shutdown one of their own. */
    @FunctionalInterface
    private interface RowInserts {
        void insertAll(List<Usage> rows) throws SQLException;
    }

    private void write(RowInserts inserts, List<Usage> rows) throws InterruptedException {
        for (int attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
            try {
                inserts.insertAll(rows);
                rows.forEach(UsageRecorder::logAccess);
                return;
            } catch (SQLException | RuntimeException e) {
                if (attempt == WRITE_ATTEMPTS) {
                    log.error("Lost {} usage rows after {} attempts to write them", rows.size(), attempt, e);
                    return;
                }
                log.warn("Writing {} usage rows failed (attempt {}): {}", rows.size(), attempt, e.getMessage());
                Thread.sleep(RETRY_PAUSE_MILLIS * attempt);
            }
        }
    }

    private static void logAccess(Usage row) {
        access.info("{} key={} model={} provider={} status={} tokens={}/{}/{} {} latency={}ms ttft={} conv={}{}",
                row.requestId(), Secrets.prefix(row.apiKey()), row.model(), row.providerName(), row.status(),
                row.promptTokens(), row.completionTokens(), row.totalTokens(), row.usageSource().wireName(),
                row.latencyMillis(), row.firstTokenMillis() == null ? "-" : row.firstTokenMillis() + "ms",
                row.conversationId(), row.truncated() ? " truncated" : "");
    }

    /** Writes every queued row, then stops the writer; waits at most {@code timeout}. */
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        try {
            writer.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            log.error("Usage writer did not finish within {}; {} rows may be lost", timeout, queue.size());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
