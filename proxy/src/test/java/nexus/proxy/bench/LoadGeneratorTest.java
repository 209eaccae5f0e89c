package nexus.proxy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The load generator reads responses however their bytes are split across reads, and fails the ones it must. */
class LoadGeneratorTest {

    private ServerSocket server;
    private Thread serving;

    @AfterEach
    void stop() throws Exception {
        server.close();
        serving.join(TimeUnit.SECONDS.toMillis(10));
    }

    @Test
    void a_response_whose_head_ends_across_reads_is_read_whole() throws Exception {
        String body = "{\"ok\":true}";
        LoadGenerator.Result result = runOnce(LoadGenerator.Check.STATUS, 0,
                "HTTP/1.1 200 OK\r\ncontent-TYPE: application/json\r\nX-Ratelimit-Remaining-Requests: 99\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r", "\n" + body.substring(0, 4),
                body.substring(4));

        assertThat(result.errors).as(result.firstError).isZero();
        assertThat(result.requests).isEqualTo(1);
    }

    @Test
    void a_chunked_stream_split_inside_its_head_and_chunks_is_counted_by_its_events() throws Exception {
        String events = "data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n";
        String chunk = Integer.toHexString(events.length()) + "\r\n" + events + "\r\n0\r\n\r\n";
        LoadGenerator.Result result = runOnce(LoadGenerator.Check.STREAM, 3,
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r", "\nTransfer-Encoding: Chunked\r\n",
                "\r\n" + chunk.substring(0, 7), chunk.substring(7));

        assertThat(result.errors).as(result.firstError).isZero();
        assertThat(result.requests).isEqualTo(1);
    }

    @Test
    void a_status_other_than_200_is_an_error() throws Exception {
        LoadGenerator.Result result = runOnce(LoadGenerator.Check.STATUS, 0,
                "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n\r\n{}");

        assertThat(result.requests).isZero();
        assertThat(result.errors).isEqualTo(1);
        assertThat(result.firstError).contains("status 503");
    }

    @Test
    void an_answer_that_is_not_http_is_an_error() throws Exception {
        LoadGenerator.Result result = runOnce(LoadGenerator.Check.STATUS, 0, "SSH-2.0-OpenSSH_9.6\r\n\r\n");

        assertThat(result.requests).isZero();
        assertThat(result.firstError).contains("not an HTTP response: SSH-2.0-OpenSSH_9.6");
    }

    /**
     * One request on one connection to a server that answers with {@code parts}, each written and flushed on its own
     * a moment apart, so the generator mostly reads them one by one.
     */
    private LoadGenerator.Result runOnce(LoadGenerator.Check check, int expectedEvents, String... parts)
            throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        serving = Thread.ofPlatform().start(() -> answer(List.of(parts)));
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
        return LoadGenerator.run(new LoadGenerator.Spec(address,
                LoadGenerator.post(address, "/v1/chat/completions", "{}", List.of()), 1, 0, true, check,
                expectedEvents, TimeUnit.SECONDS.toNanos(10)));
    }

    private void answer(List<String> parts) {
        try (Socket socket = server.accept()) {
            socket.setTcpNoDelay(true);
            readRequest(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            for (String part : parts) {
                out.write(part.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread.sleep(20);  // not synchronization: it keeps the parts in separate reads
            }
            socket.getInputStream().read();  // until the generator closes the connection
        } catch (IOException | InterruptedException e) {
            // the test's assertions tell what the generator saw
        }
    }

    /** Reads a request's head and its body of Content-Length bytes. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the request ended early");
            }
            head.append((char) b);
        }
        int at = head.indexOf("Content-Length: ") + "Content-Length: ".length();
        int length = Integer.parseInt(head.substring(at, head.indexOf("\r\n", at)));
        in.readNBytes(length);
    }
}
