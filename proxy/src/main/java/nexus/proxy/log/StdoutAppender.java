package nexus.proxy.log;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;

/**
 * Log lines to the process's standard output through a buffer that is written when flushed, for a
 * {@link BatchingAsyncAppender}: logback's console appender writes through {@code System.out}, which flushes every
 * line whatever the appender is told. Stopping flushes; standard output stays open.
 */
public final class StdoutAppender extends OutputStreamAppender<ILoggingEvent> {

    private static final int BUFFER_BYTES = 8 * 1024;

    @Override
    public void start() {
        setOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out) {
            @Override
            public void close() {
                // standard output belongs to the process, not to this appender
            }
        }, BUFFER_BYTES));
        super.start();
    }
}
