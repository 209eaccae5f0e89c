package nexus.proxy.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import nexus.shared.db.Database;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageDao;
import nexus.shared.db.UsageSource;

class UsageRecorderTest {

    @TempDir
    Path dir;

    @Test
    void the_after_write_action_runs_once_the_rows_are_committed_and_a_failing_one_stops_nothing() throws Exception {
        Database database = Database.open(dir.resolve("nexus.db"));
        List<Integer> rowsSeen = new CopyOnWriteArrayList<>();
        Semaphore writes = new Semaphore(0);
        try (UsageRecorder usage = new UsageRecorder(database, () -> {
            rowsSeen.add(database.dao(UsageDao.class).listAll().size());
            writes.release();
            throw new IllegalStateException("the routing check failed");
        })) {
            usage.record(row("req-1"));
            assertThat(writes.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            usage.record(row("req-2"));
            assertThat(writes.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(rowsSeen).containsExactly(1, 2);
        assertThat(database.dao(UsageDao.class).listAll()).extracting(Usage::requestId).containsExactly("req-1", "req-2");
    }

    @Test
    void a_batch_whose_transaction_could_not_begin_is_written_once_when_tried_again() throws Exception {
        Path file = dir.resolve("nexus.db");
        Database database = Database.open(file, Duration.ofMillis(100));
        CountDownLatch failedWrite = new CountDownLatch(1);
        AppenderBase<ILoggingEvent> warnings = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getLevel() == Level.WARN) {
                    failedWrite.countDown();
                }
            }
        };
        Logger logger = (Logger) LoggerFactory.getLogger(UsageRecorder.class);
        warnings.start();
        logger.addAppender(warnings);
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement lock = other.createStatement()) {
            try (UsageRecorder usage = new UsageRecorder(database, () -> {})) {
                lock.execute("BEGIN IMMEDIATE");
                usage.record(row("req-1"));
                assertThat(failedWrite.await(10, TimeUnit.SECONDS)).as("the first attempt failed").isTrue();
                lock.execute("COMMIT");
                usage.record(row("req-2"));
            }
        } finally {
            logger.detachAppender(warnings);
        }

        assertThat(database.dao(UsageDao.class).listAll()).extracting(Usage::requestId).containsExactly("req-1", "req-2");
    }

    @Test
    void waiting_for_what_is_queued_returns_once_it_is_written_and_the_marks_are_never_rows() throws Exception {
        Database database = Database.open(dir.resolve("nexus.db"));
        try (UsageRecorder usage = new UsageRecorder(database, () -> {})) {
            assertThat(usage.awaitWritten(Duration.ofSeconds(10))).as("nothing queued").isTrue();
            usage.record(row("req-1"));
            usage.record(row("req-2"));

            assertThat(usage.awaitWritten(Duration.ofSeconds(10))).isTrue();

            assertThat(database.dao(UsageDao.class).listAll()).extracting(Usage::requestId)
                    .containsExactly("req-1", "req-2");
        }
        assertThat(database.dao(UsageDao.class).listAll()).hasSize(2);
    }

    private static Usage row(String requestId) {
        return new Usage(0, requestId, "key-1", 1, "OpenAI", "gpt-4", "conv-1", "chat.completions", false, 3, 4, 7,
                UsageSource.REPORTED, 200, false, null, 12, null, 1_700_000_000_000L, 0, 0, 0, null, 0, false);
    }
}
