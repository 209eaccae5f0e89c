package nexus.proxy.usage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.shared.db.Database;
import nexus.shared.db.Secrets;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageDao;

/**
 * Records usage rows off the request path: {@link #record} queues a row and writes its access log line; one writer
 * thread inserts the queue in batches, one transaction each. {@link #close()} writes what is still queued.
 * Thread-safe.
 */
public final class UsageRecorder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UsageRecorder.class);
    private static final Logger access = LoggerFactory.getLogger("nexus.proxy.access");
    private static final int MAX_BATCH = 512;
    private static final int WRITE_ATTEMPTS = 5;
    private static final Usage STOP = new Usage(0, "", "", 0, "", "", "", "", false, 0, 0, 0, null, 0, false, null, 0,
            null, 0);

    private final UsageDao dao;
    private final BlockingQueue<Usage> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    public UsageRecorder(Database database) {
        this.dao = database.dao(UsageDao.class);
        this.writer = Thread.ofPlatform().name("usage-writer").daemon(true).start(this::writeLoop);
    }

    /** Queues one row and logs its access line. Never blocks on the database. */
    public void record(Usage row) {
        access.info("{} key={} model={} provider={} status={} tokens={}/{}/{} {} latency={}ms ttft={} conv={}{}",
                row.requestId(), Secrets.prefix(row.apiKey()), row.model(), row.providerName(), row.status(),
                row.promptTokens(), row.completionTokens(), row.totalTokens(), row.usageSource().wireName(),
                row.latencyMillis(), row.firstTokenMillis() == null ? "-" : row.firstTokenMillis() + "ms",
                row.conversationId(), row.truncated() ? " truncated" : "");
        if (closed) {
            log.warn("Usage row {} arrived after shutdown; writing it directly", row.requestId());
            write(List.of(row));
            return;
        }
        queue.add(row);
    }

    private void writeLoop() {
        List<Usage> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            try {
                Usage first = queue.take();
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                boolean stop = batch.remove(STOP);
                if (!batch.isEmpty()) {
                    write(batch);
                }
                batch.clear();
                if (stop) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void write(List<Usage> rows) {
        for (int attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
            try {
                dao.insertAll(rows);
                return;
            } catch (RuntimeException e) {
                if (attempt == WRITE_ATTEMPTS) {
                    log.error("Lost {} usage rows after {} attempts to write them", rows.size(), attempt, e);
                    return;
                }
                log.warn("Writing {} usage rows failed (attempt {}): {}", rows.size(), attempt, e.getMessage());
            }
        }
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

    /** Rows queued but not yet written; for shutdown logs. */
    public int pending() {
        return queue.size();
    }
}
