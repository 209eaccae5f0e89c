package nexus.proxy.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * A closed-loop HTTP/1.1 load generator on one thread: {@code connections} keep-alive connections, each sending the
 * same request again as soon as the previous response ended (or a set pause after it), for a fixed time (or once
 * each). Records the time from
 * writing a request to reading the last byte of its response in an HdrHistogram (nanoseconds), and checks every
 * response: status 200, and for a stream its {@code data:} events and the closing {@code [DONE]}.
 * Non-blocking sockets and one selector, so it costs a few microseconds of CPU per request and no thread per
 * connection. Not thread-safe: one run at a time.
 */
final class LoadGenerator {

    /** What a response must be to count as a success. */
    enum Check {
        /** Status 200. */
        STATUS,
        /** Status 200 and a stream that ends with {@code data: [DONE]}, with {@code expectedEvents} data lines
         *  (0: any number). */
        STREAM
    }

    /**
     * One run: where, what, how many connections, how long. {@code connectSpacingNanos} spreads the opening of the
     * connections (0: all at once); {@code pauseNanos} is how long a connection waits after a response before it sends
     * the next request (0: at once).
     */
    record Spec(InetSocketAddress address, byte[] request, int connections, long durationNanos, boolean oncePerConnection,
                Check check, int expectedEvents, long drainTimeoutNanos, long connectSpacingNanos, long pauseNanos) {

        Spec(InetSocketAddress address, byte[] request, int connections, long durationNanos, boolean oncePerConnection,
             Check check, int expectedEvents, long drainTimeoutNanos) {
            this(address, request, connections, durationNanos, oncePerConnection, check, expectedEvents,
                    drainTimeoutNanos, 0, 0);
        }
    }

    /** What a run measured. Latencies in nanoseconds. */
    static final class Result {
        final Histogram latency = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
        long requests;
        long errors;
        String firstError;
        long elapsedNanos;
        /** Requests written (answered or not): what the proxy should have a usage row for. */
        long sent;

        double perSecond() {
            return elapsedNanos == 0 ? 0 : requests * 1e9 / elapsedNanos;
        }

        void add(Result other) {
            latency.add(other.latency);
            requests += other.requests;
            errors += other.errors;
            elapsedNanos += other.elapsedNanos;
            sent += other.sent;
            if (firstError == null) {
                firstError = other.firstError;
            }
        }
    }

    private static final int MAX_HEAD_BYTES = 64 * 1024;

    private static final int HEAD = 0;
    private static final int BODY = 1;
    private static final int CHUNK_SIZE = 2;
    private static final int CHUNK_DATA = 3;
    private static final int CHUNK_END = 4;
    private static final int TRAILER = 5;
    private static final int UNTIL_EOF = 6;

    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final Spec spec;
    private final Result result = new Result();
    private final Selector selector;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final List<Conn> conns = new ArrayList<>();
    private boolean stopping;
    private int open;
    private long lastCompletion;
    private long firstConnect;

    private LoadGenerator(Spec spec) throws IOException {
        this.spec = spec;
        this.selector = Selector.open();
    }

    static Result run(Spec spec) {
        try {
            LoadGenerator generator = new LoadGenerator(spec);
            try {
                return generator.loop();
            } finally {
                generator.closeAll();
                generator.selector.close();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One connection and the parse state of the response it waits for. */
    private static final class Conn {
        SocketChannel channel;
        SelectionKey key;
        ByteBuffer pending;
        boolean busy;
        boolean done;
        /** When a pausing connection sends its next request; 0 when it is not pausing. */
        long resumeAt;
        long sentAt;
        int state;
        byte[] head = new byte[2048];
        int headLength;
        int status;
        boolean serverCloses;
        long remaining;
        long chunkSize;
        boolean chunkExtension;
        int trailerLine;
        int dataMatch;
        int doneMatch;
        boolean sawDone;
        int events;
    }

    private Result loop() throws IOException {
        long start = System.nanoTime();
        long end = start + spec.durationNanos();
        long hardEnd = end + spec.drainTimeoutNanos();
        lastCompletion = start;
        openDue(start);
        while (open > 0 || conns.size() < spec.connections()) {
            long now = System.nanoTime();
            openDue(now);
            if (!stopping && (now >= end || spec.oncePerConnection())) {
                stopping = true;
            }
            long nextResume = resumeDue(now);
            if (now >= hardEnd) {
                for (Conn conn : conns) {
                    if (conn.busy && !conn.done) {
                        fail(conn, "no complete response within the run's time limit");
                    }
                }
                break;
            }
            selector.select(conns.size() < spec.connections() ? 1
                    : Math.max(1, Math.min(Math.min(100, TimeUnit.NANOSECONDS.toMillis(hardEnd - now)),
                            TimeUnit.NANOSECONDS.toMillis(nextResume - now))));
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                Conn conn = (Conn) key.attachment();
                if (!key.isValid()) {
                    continue;
                }
                if (key.isConnectable()) {
                    finishConnect(conn);
                } else {
                    if (key.isWritable()) {
                        write(conn);
                    }
                    if (key.isValid() && key.isReadable()) {
                        read(conn);
                    }
                }
            }
            if (result.requests == 0 && result.errors > 1_000) {
                break;  // nothing answers: do not spin until the end of the run
            }
        }
        result.elapsedNanos = Math.max(1, lastCompletion - start);
        return result;
    }

    /**
     * Sends the next request on each connection whose pause is over (or closes it when the run is stopping); returns
     * when the next pause ends, {@code Long.MAX_VALUE} when none is running.
     */
    private long resumeDue(long now) {
        long next = Long.MAX_VALUE;
        for (Conn conn : conns) {
            if (conn.resumeAt == 0) {
                continue;
            }
            if (stopping || now >= conn.resumeAt) {
                conn.resumeAt = 0;
                if (stopping) {
                    close(conn);
                } else {
                    send(conn);
                }
            } else {
                next = Math.min(next, conn.resumeAt);
            }
        }
        return next;
    }

    /** Opens the connections whose turn has come: all at once, or one per {@code connectSpacingNanos}. */
    private void openDue(long now) throws IOException {
        long start = now;
        if (!conns.isEmpty()) {
            start = firstConnect;
        } else {
            firstConnect = now;
        }
        while (conns.size() < spec.connections()
                && (spec.connectSpacingNanos() == 0 || now - start >= conns.size() * spec.connectSpacingNanos())) {
            Conn conn = new Conn();
            conns.add(conn);
            connect(conn);
        }
    }

    private void connect(Conn conn) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        conn.channel = channel;
        conn.busy = false;
        conn.done = false;
        open++;
        if (channel.connect(spec.address())) {
            conn.key = channel.register(selector, SelectionKey.OP_READ, conn);
            send(conn);
        } else {
            conn.key = channel.register(selector, SelectionKey.OP_CONNECT, conn);
        }
    }

    private void finishConnect(Conn conn) {
        try {
            conn.channel.finishConnect();
        } catch (IOException e) {
            fail(conn, "connect: " + e.getMessage());
            return;
        }
        conn.key.interestOps(SelectionKey.OP_READ);
        send(conn);
    }

    private void send(Conn conn) {
        conn.busy = true;
        conn.state = HEAD;
        conn.headLength = 0;
        conn.status = 0;
        conn.serverCloses = false;
        conn.events = 0;
        conn.sawDone = false;
        conn.dataMatch = 0;
        conn.doneMatch = 0;
        conn.pending = ByteBuffer.wrap(spec.request());
        conn.sentAt = System.nanoTime();
        result.sent++;
        write(conn);
    }

    private void write(Conn conn) {
        try {
            conn.channel.write(conn.pending);
        } catch (IOException e) {
            fail(conn, "write: " + e.getMessage());
            return;
        }
        conn.key.interestOps(conn.pending.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
                : SelectionKey.OP_READ);
    }

    private void read(Conn conn) {
        readBuffer.clear();
        int count;
        try {
            count = conn.channel.read(readBuffer);
        } catch (IOException e) {
            fail(conn, "read: " + e.getMessage());
            return;
        }
        if (count < 0) {
            if (conn.busy && conn.state == UNTIL_EOF) {
                complete(conn);
            } else if (conn.busy) {
                fail(conn, "the server closed the connection in the middle of a response");
            } else {
                close(conn);
            }
            return;
        }
        readBuffer.flip();
        if (!conn.busy) {
            fail(conn, "unexpected bytes from the server between two responses");
            return;
        }
        parse(conn, readBuffer);
    }

    private void parse(Conn conn, ByteBuffer in) {
        while (in.hasRemaining() && conn.busy && !conn.done) {
            switch (conn.state) {
                case HEAD -> {
                    if (!readHead(conn, in)) {
                        return;
                    }
                }
                case BODY, CHUNK_DATA, UNTIL_EOF -> {
                    int take = conn.state == UNTIL_EOF ? in.remaining() : (int) Math.min(conn.remaining, in.remaining());
                    if (spec.check() == Check.STREAM) {
                        scan(conn, in, take);
                    } else {
                        in.position(in.position() + take);
                    }
                    if (conn.state != UNTIL_EOF) {
                        conn.remaining -= take;
                        if (conn.remaining == 0) {
                            if (conn.state == BODY) {
                                complete(conn);
                            } else {
                                conn.state = CHUNK_END;
                            }
                        }
                    }
                }
                case CHUNK_SIZE -> {
                    byte b = in.get();
                    if (b == '\n') {
                        if (conn.chunkSize == 0) {
                            conn.state = TRAILER;
                            conn.trailerLine = 0;
                        } else {
                            conn.state = CHUNK_DATA;
                            conn.remaining = conn.chunkSize;
                        }
                        conn.chunkSize = 0;
                        conn.chunkExtension = false;
                    } else if (b == ';') {
                        conn.chunkExtension = true;
                    } else if (b != '\r' && !conn.chunkExtension) {
                        int digit = Character.digit(b, 16);
                        if (digit < 0) {
                            fail(conn, "bad chunk size byte " + b);
                            return;
                        }
                        conn.chunkSize = conn.chunkSize * 16 + digit;
                    }
                }
                case CHUNK_END -> {
                    if (in.get() == '\n') {
                        conn.state = CHUNK_SIZE;
                    }
                }
                case TRAILER -> {
                    byte b = in.get();
                    if (b == '\n') {
                        if (conn.trailerLine == 0) {
                            complete(conn);
                        }
                        conn.trailerLine = 0;
                    } else if (b != '\r') {
                        conn.trailerLine++;
                    }
                }
                default -> throw new IllegalStateException("state " + conn.state);
            }
        }
    }

    /** Counts the {@code data:} lines of a stream and looks for {@code [DONE]}. */
    private static void scan(Conn conn, ByteBuffer in, int count) {
        int dataMatch = conn.dataMatch;
        int doneMatch = conn.doneMatch;
        for (int i = 0; i < count; i++) {
            byte b = in.get();
            if (dataMatch >= 0) {
                if (b == DATA[dataMatch]) {
                    if (++dataMatch == DATA.length) {
                        conn.events++;
                        dataMatch = -1;
                    }
                } else {
                    dataMatch = -1;
                }
            }
            if (b == '\n') {
                dataMatch = 0;
            }
            if (b == DONE[doneMatch]) {
                if (++doneMatch == DONE.length) {
                    conn.sawDone = true;
                    doneMatch = 0;
                }
            } else {
                doneMatch = b == DONE[0] ? 1 : 0;
            }
        }
        conn.dataMatch = dataMatch;
        conn.doneMatch = doneMatch;
    }

    /**
     * Copies the head bytes at hand and reads the head once its blank line has come, leaving the bytes after it to the
     * body; false when the connection failed. The load generator shares the cores with what it measures, so it reads
     * in bulk and looks only at the three headers it needs, without making strings.
     */
    private boolean readHead(Conn conn, ByteBuffer in) {
        int from = Math.max(0, conn.headLength - 3);  // the blank line may have begun in an earlier read
        int count = Math.min(in.remaining(), MAX_HEAD_BYTES - conn.headLength);
        if (conn.headLength + count > conn.head.length) {
            conn.head = java.util.Arrays.copyOf(conn.head, Math.max(conn.head.length * 2, conn.headLength + count));
        }
        in.get(conn.head, conn.headLength, count);
        conn.headLength += count;
        int end = headEnd(conn.head, from, conn.headLength);
        if (end < 0) {
            if (conn.headLength == MAX_HEAD_BYTES) {
                fail(conn, "response head over 64 KiB");
                return false;
            }
            return true;
        }
        in.position(in.position() - (conn.headLength - end));
        conn.headLength = end;
        return head(conn);
    }

    /** The index just after the first CR LF CR LF in {@code bytes[from, to)}, or -1 when there is none. */
    private static int headEnd(byte[] bytes, int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    /** Reads the status line and headers just completed; false when the connection failed. */
    private boolean head(Conn conn) {
        byte[] head = conn.head;
        int length = conn.headLength;
        if (length < 12 || !startsWith(head, 0, "HTTP/1.")) {
            String first = new String(head, 0, Math.min(length, 200), StandardCharsets.ISO_8859_1);
            fail(conn, "not an HTTP response: " + first.lines().findFirst().orElse(""));
            return false;
        }
        if (!Character.isDigit(head[9]) || !Character.isDigit(head[10]) || !Character.isDigit(head[11])) {
            fail(conn, "no status code in the response's first line");
            return false;
        }
        conn.status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
        long contentLength = -1;
        boolean chunked = false;
        for (int line = indexOf(head, 0, length, (byte) '\n') + 1; line < length; ) {
            int lineEnd = indexOf(head, line, length, (byte) '\n');
            int colon = indexOf(head, line, lineEnd, (byte) ':');
            if (colon < lineEnd) {
                int value = colon + 1;
                if (nameIs(head, line, colon, "content-length")) {
                    contentLength = Long.parseLong(text(head, value, lineEnd));
                } else if (nameIs(head, line, colon, "transfer-encoding")) {
                    chunked = text(head, value, lineEnd).toLowerCase(java.util.Locale.ROOT).contains("chunked");
                } else if (nameIs(head, line, colon, "connection")) {
                    conn.serverCloses |= text(head, value, lineEnd).equalsIgnoreCase("close");
                }
            }
            line = lineEnd + 1;
        }
        if (conn.status != 200 && spec.check() == Check.STREAM) {
            // an error body is JSON, not a stream: read it whole, then fail
            conn.dataMatch = -1;
        }
        if (chunked) {
            conn.state = CHUNK_SIZE;
            conn.chunkSize = 0;
            conn.chunkExtension = false;
        } else if (contentLength >= 0) {
            conn.state = BODY;
            conn.remaining = contentLength;
            if (contentLength == 0) {
                complete(conn);
            }
        } else {
            conn.state = UNTIL_EOF;
            conn.serverCloses = true;
        }
        return true;
    }

    private void complete(Conn conn) {
        long now = System.nanoTime();
        conn.done = true;
        conn.busy = false;
        String problem = null;
        if (conn.status != 200) {
            problem = "status " + conn.status;
        } else if (spec.check() == Check.STREAM) {
            if (!conn.sawDone) {
                problem = "a stream without data: [DONE] (" + conn.events + " events)";
            } else if (spec.expectedEvents() > 0 && conn.events != spec.expectedEvents()) {
                problem = "a stream of " + conn.events + " data events, expected " + spec.expectedEvents();
            }
        }
        if (problem != null) {
            fail(conn, problem);
            return;
        }
        result.requests++;
        result.latency.recordValue(Math.min(now - conn.sentAt, result.latency.getHighestTrackableValue()));
        lastCompletion = now;
        if (stopping || conn.serverCloses) {
            close(conn);
            if (!stopping) {
                reconnect(conn);
            }
        } else {
            conn.done = false;
            if (spec.pauseNanos() > 0) {
                conn.resumeAt = now + spec.pauseNanos();
            } else {
                send(conn);
            }
        }
    }

    private void fail(Conn conn, String problem) {
        result.errors++;
        if (result.firstError == null) {
            result.firstError = problem;
        }
        conn.busy = false;
        close(conn);
        if (!stopping) {
            reconnect(conn);
        }
    }

    private void reconnect(Conn conn) {
        try {
            connect(conn);
        } catch (IOException e) {
            result.errors++;
            if (result.firstError == null) {
                result.firstError = "connect: " + e.getMessage();
            }
        }
    }

    private void close(Conn conn) {
        if (conn.channel == null || !conn.channel.isOpen()) {
            return;
        }
        open--;
        conn.key.cancel();
        try {
            conn.channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void closeAll() {
        for (Conn conn : conns) {
            close(conn);
        }
    }

    private static int indexOf(byte[] bytes, int from, int to, byte wanted) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return to;
    }

    private static boolean startsWith(byte[] bytes, int from, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[from + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** True when the header name in {@code [from, colon)} is {@code lowerCaseName}, in any case. */
    private static boolean nameIs(byte[] bytes, int from, int colon, String lowerCaseName) {
        if (colon - from != lowerCaseName.length()) {
            return false;
        }
        for (int i = 0; i < lowerCaseName.length(); i++) {
            if (Character.toLowerCase(bytes[from + i]) != lowerCaseName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A header value, trimmed (the line's CR too). */
    private static String text(byte[] bytes, int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1).trim();
    }

    /** The bytes of one POST with a JSON body and the given extra header lines (each {@code "Name: value"}). */
    static byte[] post(InetSocketAddress address, String path, String json, List<String> headers) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder()
                .append("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(address.getHostString()).append(':').append(address.getPort()).append("\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Accept: */*\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        return MockUpstreamMain.Answers.concat(head.toString().getBytes(StandardCharsets.US_ASCII), body);
    }
}
