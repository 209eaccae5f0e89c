package nexus.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: an upstream on a plain server socket that reads a request, answers part of it (nothing, or the headers
 * and the first bytes of the body) and then hangs, noting when the proxy closes the connection. Only the proxy's
 * closing the connection ends the hang, so {@link #awaitClosed} tells whether the proxy cancelled its call.
 */
public final class HangingUpstream implements AutoCloseable {

    /** What the upstream sends before it hangs. */
    public enum Answer {
        /** Nothing: no status line, no headers. */
        NOTHING("".getBytes(StandardCharsets.US_ASCII)),
        /** A 200 JSON answer's headers and the first bytes of a body that never ends. */
        JSON_START(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                + "{\"id\":\"chatcmpl-1\",").getBytes(StandardCharsets.US_ASCII)),
        /** A 200 event stream's headers and its first event (a role chunk), and then nothing more. */
        FIRST_EVENT(firstEvent());

        private final byte[] bytes;

        Answer(byte[] bytes) {
            this.bytes = bytes;
        }

        private static byte[] firstEvent() {
            byte[] event = ("data: " + OpenAiReplies.roleChunk("gpt-4") + "\n\n").getBytes(StandardCharsets.UTF_8);
            return ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(event.length) + "\r\n" + new String(event, StandardCharsets.UTF_8) + "\r\n")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    private final ServerSocket server;
    private final Answer answer;
    private final CountDownLatch received = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private HangingUpstream(Answer answer) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.answer = answer;
        Thread.ofVirtual().name("hanging-upstream").start(this::accept);
    }

    /** An upstream that answers every request with {@code answer} and then hangs. */
    public static HangingUpstream start(Answer answer) throws IOException {
        return new HangingUpstream(answer);
    }

    /** The server URL of a provider here, e.g. {@code url("/v1")}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    /** True when a whole request arrived within the timeout (and the partial answer was sent). */
    public boolean awaitRequest(Duration timeout) throws InterruptedException {
        return received.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True when the proxy closed the connection of the request within the timeout. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void accept() {
        try {
            while (true) {
                Socket socket = server.accept();
                sockets.add(socket);
                Thread.ofVirtual().start(() -> serve(socket));
            }
        } catch (IOException e) {
            // closed by the test
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String head = readHead(in);
            in.readNBytes(contentLength(head));
            socket.getOutputStream().write(answer.bytes);
            socket.getOutputStream().flush();
            received.countDown();
            while (in.read() != -1) {
                // the proxy sends nothing more on this connection; only its end matters
            }
        } catch (IOException e) {
            // a reset is a close too
        }
        closed.countDown();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        while (matched < end.length) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("The request ended inside its head");
            }
            head.write(next);
            matched = next == end[matched] ? matched + 1 : next == end[0] ? 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
