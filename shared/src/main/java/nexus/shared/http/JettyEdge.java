package nexus.shared.http;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.shared.error.ApiError;

/**
 * What the admin's and the proxy's Jetty servers share at the edge: the connector they listen on, and Jetty's own error
 * pages answered in the error envelope. Stateless.
 */
public final class JettyEdge {

    /** A burst of new connections waits here rather than in SYN retries of a second or more (Java's default is 50). */
    public static final int ACCEPT_QUEUE_SIZE = 1024;

    private static final Logger log = LoggerFactory.getLogger(JettyEdge.class);

    private JettyEdge() {}

    /** An HTTP/1.1 connector on host and port, with a deep accept queue and the clients' idle timeout. */
    public static ServerConnector connector(Server server, HttpConfiguration http, String host, int port,
                                            Duration idleTimeout) {
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(ACCEPT_QUEUE_SIZE);
        connector.setIdleTimeout(idleTimeout.toMillis());
        return connector;
    }

    /**
     * Jetty's own error pages, for a request it refuses before any route runs (431 for oversized headers, 400 for a
     * malformed request line or header …): the envelope {@code envelope} makes for the request's path, instead of an
     * HTML page.
     */
    public static Request.Handler errorPages(long maxRequestBytes, ObjectMapper mapper,
                                             BiFunction<String, ApiError, Object> envelope) {
        return (request, response, callback) -> {
            String path = Request.getPathInContext(request);
            ApiError error = jettyError(request, response.getStatus(), path, maxRequestBytes);
            response.setStatus(error.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(mapper.writeValueAsBytes(envelope.apply(path, error))), callback);
            return true;
        };
    }

    private static ApiError jettyError(Request request, int status, String path, long maxRequestBytes) {
        Object reason = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
        if (status == 500) {
            String logId = Long.toHexString(ThreadLocalRandom.current().nextLong());
            log.error("Unhandled error {} on {} {}: {}", logId, request.getMethod(), path, reason,
                    (Throwable) request.getAttribute(ErrorHandler.ERROR_EXCEPTION));
            return ApiError.internal(logId);
        }
        if (status == 503) {  // the server is stopping
            return ApiError.shuttingDown();
        }
        log.warn("Jetty refused {} {}: {} {}", request.getMethod(), path, status, reason);
        return ApiError.fromFrameworkStatus(status, request.getMethod(), path, maxRequestBytes,
                "The request is not valid HTTP (" + reason + ").");
    }
}
