package nexus.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.config.NexusConfig;

class UpstreamSocketsTest {

    @TempDir
    Path dir;

    @Test
    void the_registered_action_runs_before_a_read_that_would_wait_and_not_before_one_that_has_bytes()
            throws Exception {
        List<String> seen = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0);
             Socket client = new UpstreamSockets().createSocket("127.0.0.1", server.getLocalPort());
             Socket upstream = server.accept()) {
            OutputStream out = upstream.getOutputStream();
            InputStream in = client.getInputStream();
            out.write("ab".getBytes());
            out.flush();
            awaitAvailable(in, 2);

            Runnable flush = () -> {
                seen.add("flushed");
                try {
                    out.write('c');  // the upstream sends more only now, so this read must have waited
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            try (var scope = UpstreamSockets.beforeWaiting(flush)) {
                seen.add("read " + (char) in.read());  // 'b' has arrived too: no flush yet
                seen.add("read " + (char) in.read());  // the last byte that had arrived
                seen.add("read " + (char) in.read());  // nothing more: the action runs first
            }
            out.write('d');
            out.flush();
            seen.add("read " + (char) in.read());  // outside the scope: no action
        }
        assertThat(seen).containsExactly("read a", "read b", "flushed", "read c", "read d");
    }

    @Test
    void only_http_1_1_read_on_the_calling_thread_through_these_sockets_counts_as_flushed_before_waits() {
        OkHttpClient direct = UpstreamHttp.client(NexusConfig.forTests(dir));
        OkHttpClient httpProxy = direct.newBuilder()
                .proxy(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("proxy", 3128))).build();
        OkHttpClient socks = direct.newBuilder()
                .proxy(new Proxy(Proxy.Type.SOCKS, InetSocketAddress.createUnresolved("proxy", 1080))).build();

        assertThat(UpstreamSockets.readsOnCallingThread(direct, Protocol.HTTP_1_1)).isTrue();
        assertThat(UpstreamSockets.readsOnCallingThread(httpProxy, Protocol.HTTP_1_1)).isTrue();
        assertThat(UpstreamSockets.readsOnCallingThread(direct, Protocol.HTTP_2)).as("OkHttp's reader thread").isFalse();
        assertThat(UpstreamSockets.readsOnCallingThread(socks, Protocol.HTTP_1_1)).as("OkHttp's own socket").isFalse();
        assertThat(UpstreamSockets.readsOnCallingThread(new OkHttpClient(), Protocol.HTTP_1_1)).isFalse();
    }

    private static void awaitAvailable(InputStream in, int bytes) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (in.available() < bytes && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(in.available()).isEqualTo(bytes);
    }
}
