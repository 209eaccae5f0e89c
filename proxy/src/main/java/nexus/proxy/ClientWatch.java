package nexus.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.javalin.http.Handler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import okhttp3.Headers;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.util.BufferUtil;

import nexus.proxy.upstream.UpstreamWatchdog;

/**
 * Lets the upstream watchdog see an HTTP client leave while its request waits on an upstream. Jetty does not notice
 * a client's FIN or RST on an HTTP/1 connection whose request it has read whole until something is written to it,
 * and while a handler waits for an upstream's headers nothing is; so the watchdog's thread looks itself, a
 * non-blocking read of at most one byte from the connection: end of stream or a failure means the client is gone.
 * A byte read is the start of the client's next request (pipelined): it is handed back to Jetty's connection, and
 * that client is not looked at again. Costs a request one small object and a thread-local set and removed.
 * The same client object hands the upstream's rate-limit headers on to the response ({@link RateLimitHeaders}).
 * Thread-safe.
 */
final class ClientWatch {

    private final UpstreamWatchdog watchdog;

    ClientWatch(UpstreamWatchdog watchdog) {
        this.watchdog = watchdog;
    }

    /** Wraps a handler so that the upstream calls it makes are cancelled once its client is gone. */
    Handler watching(Handler handler) {
        return ctx -> {
            try (var serving = watchdog.serving(new HttpClient(ctx.req(), ctx.res()))) {
                handler.handle(ctx);
            }
        };
    }

    /**
     * One request's client, looked at by the watchdog's thread only, and only while the request's handler runs (the
     * watchdog's promise): Jetty reads the connection again only after the handler returned.
     */
    private static final class HttpClient implements UpstreamWatchdog.Client {

        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private EndPoint endPoint;
        private Connection.UpgradeTo connection;
        private boolean unknowable;

        HttpClient(HttpServletRequest request, HttpServletResponse response) {
            this.request = request;
            this.response = response;
        }

        /** On the handler's thread, before its answer is written. */
        @Override
        public void upstreamAnswered(Headers headers) {
            RateLimitHeaders.passOn(headers, response);
        }

        @Override
        public boolean gone() {
            if (unknowable || endPoint == null && !resolve()) {
                return false;
            }
            if (!endPoint.isOpen() || endPoint.isInputShutdown()) {
                return true;
            }
            if (endPoint.isFillInterested()) {
                return false;  // Jetty is reading this connection itself, and will notice
            }
            ByteBuffer oneByte = BufferUtil.allocate(1);
            int filled;
            try {
                filled = endPoint.fill(oneByte);
            } catch (IOException e) {
                return true;  // reset by the client
            }
            if (filled > 0) {
                connection.onUpgradeTo(oneByte);
                unknowable = true;
            }
            return filled < 0;
        }

        /**
         * Finds the connection, the first time the client is asked about: only an HTTP/1 one can be looked at so (on
         * HTTP/2 a read would take another stream's frames). False when it cannot.
         */
        private boolean resolve() {
            ServletContextRequest servletRequest = ServletContextRequest.getServletContextRequest(request);
            ConnectionMetaData metaData = servletRequest == null ? null : servletRequest.getConnectionMetaData();
            HttpVersion version = metaData == null ? null : metaData.getHttpVersion();
            if ((version == HttpVersion.HTTP_1_1 || version == HttpVersion.HTTP_1_0)
                    && metaData.getConnection() instanceof Connection.UpgradeTo upgradeTo) {
                connection = upgradeTo;
                endPoint = metaData.getConnection().getEndPoint();
                return true;
            }
            unknowable = true;
            return false;
        }
    }
}
