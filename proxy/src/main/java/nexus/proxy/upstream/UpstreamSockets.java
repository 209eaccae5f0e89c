package nexus.proxy.upstream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;

import javax.net.SocketFactory;

import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * The sockets the proxy reaches upstreams with. Before a read that would wait for the upstream's next bytes, a socket
 * runs what the reading thread registered with {@link #beforeWaiting}: a relay's flush to its client. So a relay
 * sends its client all that has arrived exactly when nothing more has, whatever framing hides the connection's own
 * buffer from it (OkHttp decodes a chunked answer one HTTP chunk at a time), at the price of one {@code FIONREAD} per
 * socket read instead of a {@code writev} to the client per event. Thread-safe.
 */
public final class UpstreamSockets extends SocketFactory {

    private static final ThreadLocal<Runnable> BEFORE_WAITING = new ThreadLocal<>();

    /** Ends what {@link #beforeWaiting} began. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Runs {@code action} before each wait of this thread's reads from an upstream socket, until the scope closes. */
    public static Scope beforeWaiting(Runnable action) {
        BEFORE_WAITING.set(action);
        return BEFORE_WAITING::remove;
    }

    /**
     * True when the answer is read through one of these sockets on the calling thread: HTTP/1.1 (HTTP/2 is read by
     * OkHttp's own thread) on a connection made by this factory (OkHttp opens SOCKS connections itself).
     */
    static boolean readsOnCallingThread(OkHttpClient client, Protocol protocol) {
        return protocol == Protocol.HTTP_1_1 && client.socketFactory() instanceof UpstreamSockets
                && client.proxy() != null && client.proxy().type() != Proxy.Type.SOCKS;
    }

    @Override
    public Socket createSocket() {
        return new WatchedSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private static Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket socket = new WatchedSocket();
        if (local != null) {
            socket.bind(local);
        }
        socket.connect(remote);
        return socket;
    }

    private static final class WatchedSocket extends Socket {

        private InputStream in;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        beforeRead(this);
                        return super.read();
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        beforeRead(this);
                        return super.read(buffer, offset, length);
                    }
                };
            }
            return in;
        }

        private static void beforeRead(InputStream in) throws IOException {
            Runnable action = BEFORE_WAITING.get();
            if (action != null && in.available() == 0) {
                action.run();
            }
        }
    }
}
