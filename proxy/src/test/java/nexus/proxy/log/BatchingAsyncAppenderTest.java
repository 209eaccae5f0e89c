package nexus.proxy.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.FileAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchingAsyncAppenderTest {

    @TempDir
    Path dir;

    @Test
    void lines_reach_the_file_without_a_flush_per_line_and_a_stop_writes_everything_queued() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        Path file = dir.resolve("test.log");
        FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
        fileAppender.setContext(context);
        fileAppender.setFile(file.toString());
        fileAppender.setImmediateFlush(false);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        fileAppender.setEncoder(encoder);
        fileAppender.start();
        BatchingAsyncAppender batching = new BatchingAsyncAppender();
        batching.setContext(context);
        batching.setName("BATCH");
        batching.addAppender(fileAppender);
        batching.start();
        Logger logger = context.getLogger("test");
        logger.setLevel(Level.INFO);
        logger.addAppender(batching);

        logger.info("first {}", 1);
        awaitContent(file, "first 1\n");  // flushed once the queue ran dry, though the file appender never flushes

        for (int i = 0; i < 10_000; i++) {
            logger.info("line {}", i);
        }
        context.stop();

        assertThat(Files.readAllLines(file)).hasSize(10_001).endsWith("line 9999");
    }

    private static void awaitContent(Path file, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!(Files.exists(file) && Files.readString(file).equals(expected)) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(Files.readString(file)).isEqualTo(expected);
    }
}
