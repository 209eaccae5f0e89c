package nexus.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import okio.BufferedSink;

/**
 * Test helper: an upstream SSE body written step by step, each event flushed on its own HTTP chunk: events, waits on
 * a latch the test releases, and paced repeats. It notes when the reader went away (a write failed).
 */
public final class ScriptedSseBody implements MockResponseBody {

    private final List<Step> steps = new ArrayList<>();
    private final CompletableFuture<IOException> readerGone = new CompletableFuture<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final CountDownLatch held = new CountDownLatch(1);
    /** HTTP/1.1 chunks around each event; HTTP/2 has its own DATA frames. */
    private boolean chunked = true;

    private sealed interface Step permits Event, Await, Repeat {}

    private record Event(String name, String payload) implements Step {}

    private record Await(CountDownLatch latch) implements Step {}

    private record Repeat(String payload, int times, Duration pause) implements Step {}

    /** Sends one {@code data:} event. */
    public ScriptedSseBody event(String payload) {
        steps.add(new Event(null, payload));
        return this;
    }

    /** Sends one event with an {@code event:} name, as Anthropic names them. */
    public ScriptedSseBody event(String name, String payload) {
        steps.add(new Event(name, payload));
        return this;
    }

    public ScriptedSseBody events(List<String> payloads) {
        payloads.forEach(this::event);
        return this;
    }

    /** Holds the rest of the stream until the latch is released (at most 20 s). */
    public ScriptedSseBody await(CountDownLatch latch) {
        steps.add(new Await(latch));
        return this;
    }

    /** Holds the rest of the stream until {@link #readWhileHeld} has read what came before. */
    public ScriptedSseBody hold() {
        return await(held);
    }

    /** What a test reads from the client side while the upstream holds at {@link #hold()}. */
    @FunctionalInterface
    public interface HeldReads {
        void run() throws Exception;
    }

    /**
     * Runs {@code reads} (what the client must already have), checks the upstream is still holding the rest, then
     * releases it, also when the reads fail.
     */
    public void readWhileHeld(HeldReads reads) throws Exception {
        try {
            reads.run();
            assertThat(awaitFinished(Duration.ZERO)).as("the upstream is still holding the rest").isFalse();
        } finally {
            held.countDown();
        }
    }

    /** Sends the same event {@code times} times, one every {@code pause}: a slow upstream. */
    public ScriptedSseBody repeat(String payload, int times, Duration pause) {
        steps.add(new Repeat(payload, times, pause));
        return this;
    }

    /** A 200 {@code text/event-stream} answer with this body, chunked. */
    public MockResponse response() {
        return new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(this)
                .removeHeader("Content-Length")
                .setHeader("Transfer-Encoding", "chunked")
                .build();
    }

    /** The same answer for an HTTP/2 connection: no chunked transfer coding, each event its own DATA frame. */
    public MockResponse http2Response() {
        chunked = false;
        return new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(this)
                .removeHeader("Content-Length")
                .build();
    }

    /** True when a write failed because the reader closed the connection, within the timeout. */
    public boolean awaitReaderGone(Duration timeout) throws Exception {
        try {
            readerGone.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    /** True when the whole script was written, within the timeout. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public long getContentLength() {
        return -1;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
        for (Step step : steps) {
            switch (step) {
                case Event event -> send(sink, event.name(), event.payload());
                case Await await -> awaitRelease(await.latch());
                case Repeat repeat -> {
                    for (int index = 0; index < repeat.times(); index++) {
                        send(sink, null, repeat.payload());
                        pause(repeat.pause());
                    }
                }
            }
        }
        if (chunked) {
            write(sink, "0\r\n".getBytes(StandardCharsets.US_ASCII));  // the last chunk; MockWebServer adds the trailers
        }
        finished.countDown();
    }

    private void send(BufferedSink sink, String name, String payload) throws IOException {
        byte[] event = ((name == null ? "" : "event: " + name + "\n") + "data: " + payload + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
        if (!chunked) {
            write(sink, event);
            return;
        }
        write(sink, (Long.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        write(sink, event);
        write(sink, "\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private void write(BufferedSink sink, byte[] bytes) throws IOException {
        try {
            sink.write(bytes);
            sink.flush();
        } catch (IOException e) {
            readerGone.complete(e);
            throw e;
        }
    }

    private static void awaitRelease(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new IOException("The test never released the stream");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while held", e);
        }
    }

    /** Paces a slow upstream; this is the fake server's behaviour, not a test's synchronisation. */
    private static void pause(Duration pause) throws IOException {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while pacing", e);
        }
    }
}
