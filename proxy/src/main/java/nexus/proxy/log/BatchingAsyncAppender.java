package nexus.proxy.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;

/**
 * Writes log events off the logging thread, a batch at a time: one thread takes every event queued, appends them to
 * the attached appenders, then flushes each appender's stream once. Logback's own AsyncAppender leaves the flushing
 * to the attached appender, which flushes every event: one write system call per line, per destination, on every
 * proxied request. Attach appenders with {@code immediateFlush} false. A full queue makes the logging thread wait;
 * nothing is dropped. Stopping writes everything still queued.
 */
public final class BatchingAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {

    private static final long STOP_WAIT_MILLIS = 5_000;
    private static final ILoggingEvent STOP = new LoggingEvent();

    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private int queueSize = 8_192;
    private BlockingQueue<ILoggingEvent> queue;
    private Thread writer;

    /** How many events may wait; set from the configuration. */
    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        writer = Thread.ofPlatform().name("log-writer-" + getName()).daemon(true).start(this::writeLoop);
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();  // the message and MDC are fixed now, on the logging thread
        try {
            queue.put(event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeLoop() {
        List<ILoggingEvent> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch);
            for (ILoggingEvent event : batch) {
                if (event == STOP) {
                    stop = true;
                } else {
                    appenders.appendLoopOnAppenders(event);
                }
            }
            batch.clear();
            flushAll();
        }
    }

    private void flushAll() {
        for (Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> stream && stream.getOutputStream() != null) {
                try {
                    stream.getOutputStream().flush();
                } catch (IOException e) {
                    addError("Flushing the log appender '" + stream.getName() + "' failed", e);
                }
            }
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        try {
            queue.put(STOP);
            writer.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            addWarn("The log writer did not finish within " + STOP_WAIT_MILLIS + " ms; " + queue.size()
                    + " events may be lost");
        }
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        appenders.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return appenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return appenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
