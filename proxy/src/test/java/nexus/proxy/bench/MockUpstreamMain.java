package nexus.proxy.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's upstream: a tiny OpenAI-compatible chat server, as fast as a JVM can answer on loopback, so it is
 * never what a benchmark measures. HTTP/1.1 with keep-alive over non-blocking sockets, one event loop per thread,
 * canned answers prepared at start; no allocation per request beyond the parse.
 *
 * <ul>
 *   <li>{@code POST /v1/chat/completions}: a {@code chat.completion} JSON; with {@code "stream": true} an SSE stream
 *       (a role chunk, {@code --chunks} content chunks, a finish chunk, a usage chunk when the body asks
 *       {@code "include_usage": true}, then {@code [DONE]}) written in one go.</li>
 *   <li>{@code POST /slow/v1/chat/completions}: the same stream with {@code --interval-ms} between two events, for
 *       holding many streams open.</li>
 *   <li>{@code GET /stats}: {@code {"accepted_connections": n}}, so a benchmark can see whether a gateway reuses its
 *       upstream connections.</li>
 * </ul>
 *
 * Usage: {@code MockUpstreamMain [--port 0] [--threads 1] [--chunks 20] [--interval-ms 200]}. Listens on loopback
 * only and prints {@code MOCK_PORT <port>} once it accepts connections. Runs until killed.
 */
public final class MockUpstreamMain {

    static final String READY_PREFIX = "MOCK_PORT ";

    private final Answers answers;
    private final long intervalNanos;
    private final java.util.concurrent.atomic.LongAdder accepted = new java.util.concurrent.atomic.LongAdder();

    private MockUpstreamMain(Answers answers, long intervalNanos) {
        this.answers = answers;
        this.intervalNanos = intervalNanos;
    }

    public static void main(String[] args) throws IOException {
        int port = 0;
        int threads = 1;
        int chunks = 20;
        long intervalMillis = 200;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--chunks" -> chunks = Integer.parseInt(args[++i]);
                case "--interval-ms" -> intervalMillis = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        MockUpstreamMain mock = new MockUpstreamMain(new Answers(chunks), TimeUnit.MILLISECONDS.toNanos(intervalMillis));
        mock.serve(port, threads);
    }

    private void serve(int port, int threads) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
        Loop[] loops = new Loop[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = new Loop();
            Thread.ofPlatform().name("mock-loop-" + i).start(loops[i]);
        }
        System.out.println(READY_PREFIX + ((InetSocketAddress) server.getLocalAddress()).getPort());
        System.out.flush();
        int next = 0;
        while (true) {
            SocketChannel channel = server.accept();
            accepted.increment();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            loops[next].hand(channel);
            next = (next + 1) % threads;
        }
    }

    /** The canned answers, as the exact bytes sent. */
    static final class Answers {
        final byte[] completion;
        final byte[] streamWhole;
        final byte[] streamWholeWithUsage;
        final byte[] streamHead;
        /** Each event of a stream as one HTTP chunk; the usage event is {@link #usageEvent}. */
        final byte[][] events;
        final byte[] usageEvent;
        /** {@code [DONE]} and the last (empty) HTTP chunk. */
        final byte[] tail;
        final byte[] notFound;
        final byte[] badRequest;

        Answers(int chunks) {
            String prefix = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                    + "\"model\":\"gpt-bench\",\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"delta\":";
            StringBuilder text = new StringBuilder();
            events = new byte[chunks + 2][];
            events[0] = httpChunk(sse(prefix + "{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
                    + "\"finish_reason\":null}]}"));
            for (int i = 1; i <= chunks; i++) {
                String word = (i == 1 ? "Hello" : " word" + i);
                text.append(word);
                events[i] = httpChunk(sse(prefix + "{\"content\":\"" + word + "\"},\"logprobs\":null,"
                        + "\"finish_reason\":null}]}"));
            }
            events[chunks + 1] = httpChunk(sse(prefix + "{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}"));
            usageEvent = httpChunk(sse("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\","
                    + "\"created\":1700000000,\"model\":\"gpt-bench\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,"
                    + "\"completion_tokens\":" + chunks + ",\"total_tokens\":" + (12 + chunks) + "}}"));
            tail = concat(httpChunk(sse("[DONE]")), ascii("0\r\n\r\n"));
            streamHead = ascii("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                    + "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] allEvents = concat(events);
            streamWhole = concat(streamHead, allEvents, tail);
            streamWholeWithUsage = concat(streamHead, allEvents, usageEvent, tail);

            String json = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,"
                    + "\"model\":\"gpt-bench\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"" + text + "\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":" + chunks + ",\"total_tokens\":"
                    + (12 + chunks) + "},\"system_fingerprint\":null}";
            completion = response("200 OK", json);
            notFound = response("404 Not Found",
                    "{\"error\":{\"message\":\"Unknown path\",\"type\":\"invalid_request_error\",\"code\":null}}");
            badRequest = response("400 Bad Request",
                    "{\"error\":{\"message\":\"Bad request\",\"type\":\"invalid_request_error\",\"code\":null}}");
        }

        /** {@code GET /stats}: how many connections the mock has accepted so far. */
        static byte[] stats(long accepted) {
            return response("200 OK", "{\"accepted_connections\":" + accepted + "}");
        }

        private static byte[] response(String status, String json) {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            return concat(ascii("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n"), body);
        }

        private static String sse(String data) {
            return "data: " + data + "\n\n";
        }

        private static byte[] httpChunk(String payload) {
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            return concat(ascii(Integer.toHexString(bytes.length) + "\r\n"), bytes, ascii("\r\n"));
        }

        static byte[] ascii(String text) {
            return text.getBytes(StandardCharsets.US_ASCII);
        }

        static byte[] concat(byte[]... parts) {
            int length = 0;
            for (byte[] part : parts) {
                length += part.length;
            }
            byte[] all = new byte[length];
            int at = 0;
            for (byte[] part : parts) {
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length;
            }
            return all;
        }
    }

    /** One client connection: its unparsed input, its unsent output, and a slow stream's progress. */
    private static final class Conn {
        final SocketChannel channel;
        SelectionKey key;
        byte[] in = new byte[4096];
        int inLength;
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        boolean closed;
        /** Slow stream: index of the next event to send, or -1 when none runs. */
        int nextEvent = -1;
        boolean streamUsage;
        long due;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }
    }

    /** One selector thread: reads requests, answers them, and paces the slow streams it owns. */
    private final class Loop implements Runnable {
        private final Selector selector;
        private final ConcurrentLinkedQueue<SocketChannel> handed = new ConcurrentLinkedQueue<>();
        /** Slow streams by due time: one fixed interval, so the order of scheduling is the order of due times. */
        private final ArrayDeque<Conn> timers = new ArrayDeque<>();
        private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);

        Loop() throws IOException {
            this.selector = Selector.open();
        }

        void hand(SocketChannel channel) {
            handed.add(channel);
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (true) {
                    if (timers.isEmpty()) {
                        selector.select();
                    } else {
                        long wait = timers.peekFirst().due - System.nanoTime();
                        if (wait > 0) {
                            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
                        } else {
                            selector.selectNow();
                        }
                    }
                    SocketChannel channel;
                    while ((channel = handed.poll()) != null) {
                        Conn conn = new Conn(channel);
                        conn.key = channel.register(selector, SelectionKey.OP_READ, conn);
                    }
                    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        Conn conn = (Conn) key.attachment();
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isWritable()) {
                            flush(conn);
                        }
                        if (key.isValid() && key.isReadable()) {
                            read(conn);
                        }
                    }
                    runTimers();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private void runTimers() {
            long now = System.nanoTime();
            while (!timers.isEmpty() && timers.peekFirst().due <= now) {
                Conn conn = timers.pollFirst();
                if (conn.closed) {
                    continue;
                }
                int index = conn.nextEvent;
                if (index < answers.events.length - 1) {
                    send(conn, answers.events[index]);
                    conn.nextEvent = index + 1;
                    conn.due = now + intervalNanos;
                    timers.addLast(conn);
                } else {
                    send(conn, answers.events[index]);
                    if (conn.streamUsage) {
                        send(conn, answers.usageEvent);
                    }
                    send(conn, answers.tail);
                    conn.nextEvent = -1;
                    if (!conn.closed) {
                        parse(conn);  // a request that arrived meanwhile
                    }
                }
            }
        }

        private void read(Conn conn) {
            int count;
            try {
                readBuffer.clear();
                count = conn.channel.read(readBuffer);
            } catch (IOException e) {
                close(conn);
                return;
            }
            if (count < 0) {
                close(conn);
                return;
            }
            readBuffer.flip();
            if (conn.inLength + count > conn.in.length) {
                byte[] bigger = new byte[Math.max(conn.in.length * 2, conn.inLength + count)];
                System.arraycopy(conn.in, 0, bigger, 0, conn.inLength);
                conn.in = bigger;
            }
            readBuffer.get(conn.in, conn.inLength, count);
            conn.inLength += count;
            if (conn.nextEvent < 0) {
                parse(conn);
            }
        }

        /** Answers every complete request in the input, in order; stops at a slow stream. */
        private void parse(Conn conn) {
            while (!conn.closed && conn.nextEvent < 0) {
                byte[] in = conn.in;
                int headEnd = indexOf(in, 0, conn.inLength, CRLFCRLF);
                if (headEnd < 0) {
                    if (conn.inLength > 64 * 1024) {
                        send(conn, answers.badRequest);
                        close(conn);
                    }
                    return;
                }
                int bodyStart = headEnd + 4;
                long contentLength = headerNumber(in, bodyStart, CONTENT_LENGTH);
                boolean chunked = contentLength < 0 && indexOfIgnoreCase(in, 0, bodyStart, CHUNKED) >= 0;
                int bodyEnd;
                int consumed;
                byte[] body = in;
                if (chunked) {
                    Dechunked dechunked = dechunk(in, bodyStart, conn.inLength);
                    if (dechunked == null) {
                        return;
                    }
                    body = dechunked.body;
                    bodyStart = 0;
                    bodyEnd = dechunked.length;
                    consumed = dechunked.consumed;
                } else {
                    long length = Math.max(0, contentLength);
                    if (conn.inLength - bodyStart < length) {
                        return;
                    }
                    bodyEnd = bodyStart + (int) length;
                    consumed = bodyEnd;
                }
                answer(conn, in, headEnd, body, bodyStart, bodyEnd);
                System.arraycopy(in, consumed, in, 0, conn.inLength - consumed);
                conn.inLength -= consumed;
            }
        }

        private void answer(Conn conn, byte[] head, int headEnd, byte[] body, int bodyStart, int bodyEnd) {
            int pathStart = indexOf(head, 0, headEnd, SPACE) + 1;
            int pathEnd = pathStart > 0 ? indexOf(head, pathStart, headEnd, SPACE) : -1;
            if (pathEnd < 0) {
                send(conn, answers.badRequest);
                return;
            }
            boolean slow;
            if (regionEquals(head, pathStart, pathEnd, STATS_PATH)) {
                send(conn, Answers.stats(accepted.sum()));
                return;
            }
            if (regionEquals(head, pathStart, pathEnd, CHAT_PATH)) {
                slow = false;
            } else if (regionEquals(head, pathStart, pathEnd, SLOW_CHAT_PATH)) {
                slow = true;
            } else {
                send(conn, answers.notFound);
                return;
            }
            boolean stream = jsonTrue(body, bodyStart, bodyEnd, STREAM_KEY);
            boolean usage = stream && jsonTrue(body, bodyStart, bodyEnd, INCLUDE_USAGE_KEY);
            if (!stream) {
                send(conn, answers.completion);
            } else if (!slow) {
                send(conn, usage ? answers.streamWholeWithUsage : answers.streamWhole);
            } else {
                send(conn, answers.streamHead);
                send(conn, answers.events[0]);
                conn.nextEvent = 1;
                conn.streamUsage = usage;
                conn.due = System.nanoTime() + intervalNanos;
                timers.addLast(conn);
            }
        }

        private void send(Conn conn, byte[] bytes) {
            if (conn.closed) {
                return;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            if (conn.out.isEmpty()) {
                try {
                    conn.channel.write(buffer);
                } catch (IOException e) {
                    close(conn);
                    return;
                }
                if (!buffer.hasRemaining()) {
                    return;
                }
                conn.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
            conn.out.addLast(buffer);
        }

        private void flush(Conn conn) {
            try {
                while (!conn.out.isEmpty()) {
                    ByteBuffer buffer = conn.out.peekFirst();
                    conn.channel.write(buffer);
                    if (buffer.hasRemaining()) {
                        return;
                    }
                    conn.out.pollFirst();
                }
                conn.key.interestOps(SelectionKey.OP_READ);
            } catch (IOException e) {
                close(conn);
            }
        }

        private void close(Conn conn) {
            if (conn.closed) {
                return;
            }
            conn.closed = true;
            conn.key.cancel();
            try {
                conn.channel.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    private static final byte[] CRLFCRLF = Answers.ascii("\r\n\r\n");
    private static final byte[] CRLF = Answers.ascii("\r\n");
    private static final byte[] SPACE = Answers.ascii(" ");
    private static final byte[] CONTENT_LENGTH = Answers.ascii("\ncontent-length:");
    private static final byte[] CHUNKED = Answers.ascii("chunked");
    private static final byte[] CHAT_PATH = Answers.ascii("/v1/chat/completions");
    private static final byte[] STATS_PATH = Answers.ascii("/stats");
    private static final byte[] SLOW_CHAT_PATH = Answers.ascii("/slow/v1/chat/completions");
    private static final byte[] STREAM_KEY = Answers.ascii("\"stream\"");
    private static final byte[] INCLUDE_USAGE_KEY = Answers.ascii("\"include_usage\"");

    private record Dechunked(byte[] body, int length, int consumed) {}

    /** A chunked request body, once the whole of it is in {@code in[from, to)}; null while it is not. */
    private static Dechunked dechunk(byte[] in, int from, int to) {
        byte[] body = new byte[256];
        int length = 0;
        int at = from;
        while (true) {
            int lineEnd = indexOf(in, at, to, CRLF);
            if (lineEnd < 0) {
                return null;
            }
            int size = 0;
            for (int i = at; i < lineEnd && in[i] != ';'; i++) {
                size = size * 16 + Character.digit(in[i], 16);
            }
            at = lineEnd + 2;
            if (size == 0) {
                int end = indexOf(in, lineEnd, to, CRLFCRLF);  // the trailer section ends with an empty line
                return end < 0 ? null : new Dechunked(body, length, end + 4);
            }
            if (to - at < size + 2) {
                return null;
            }
            if (length + size > body.length) {
                body = java.util.Arrays.copyOf(body, Math.max(body.length * 2, length + size));
            }
            System.arraycopy(in, at, body, length, size);
            length += size;
            at += size + 2;
        }
    }

    /** Whether {@code "key"} is followed by a colon and {@code true}, anywhere in the JSON text. */
    static boolean jsonTrue(byte[] json, int from, int to, byte[] key) {
        int at = from;
        while (true) {
            int found = indexOf(json, at, to, key);
            if (found < 0) {
                return false;
            }
            int i = found + key.length;
            while (i < to && isSpace(json[i])) {
                i++;
            }
            if (i < to && json[i] == ':') {
                i++;
                while (i < to && isSpace(json[i])) {
                    i++;
                }
                return i < to && json[i] == 't';
            }
            at = found + 1;
        }
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    /** The number after a header name (given as {@code "\nname:"}, lower case), or -1 when absent. */
    private static long headerNumber(byte[] head, int to, byte[] name) {
        int found = indexOfIgnoreCase(head, 0, to, name);
        if (found < 0) {
            return -1;
        }
        int i = found + name.length;
        while (i < to && head[i] == ' ') {
            i++;
        }
        long value = 0;
        while (i < to && head[i] >= '0' && head[i] <= '9') {
            value = value * 10 + (head[i] - '0');
            i++;
        }
        return value;
    }

    static int indexOf(byte[] data, int from, int to, byte[] pattern) {
        outer:
        for (int i = from; i <= to - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static int indexOfIgnoreCase(byte[] data, int from, int to, byte[] lowerPattern) {
        outer:
        for (int i = from; i <= to - lowerPattern.length; i++) {
            for (int j = 0; j < lowerPattern.length; j++) {
                byte b = data[i + j];
                if (b >= 'A' && b <= 'Z') {
                    b += 32;
                }
                if (b != lowerPattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean regionEquals(byte[] data, int from, int to, byte[] expected) {
        if (to - from != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (data[from + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
