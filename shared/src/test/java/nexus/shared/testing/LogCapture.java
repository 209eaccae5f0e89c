package nexus.shared.testing;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/** Test helper: every event logged (at the level the test configuration lets through) while it is open. */
public final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** The events of {@code level} so far. */
    public List<ILoggingEvent> at(Level level) {
        synchronized (appender.list) {
            return appender.list.stream().filter(event -> event.getLevel().equals(level)).toList();
        }
    }

    /** The events so far that carry an exception, whose stack trace a log would print. */
    public List<ILoggingEvent> withStackTraces() {
        synchronized (appender.list) {
            return appender.list.stream().filter(event -> event.getThrowableProxy() != null).toList();
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
