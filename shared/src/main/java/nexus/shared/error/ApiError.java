package nexus.shared.error;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * An error the client should see, already in OpenAI vocabulary. Thrown anywhere, rendered in one place per process.
 * Carries no stack trace: it is an expected outcome, not a bug.
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    /** Seconds for a {@code Retry-After} header, or 0 for none. */
    private final int retryAfterSeconds;
    /** More response headers to answer with, in order; empty for none. */
    private final Map<String, String> headers;

    private ApiError(int status, String type, String code, String param, String message, int retryAfterSeconds,
                     Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
        this.headers = headers;
    }

    public static ApiError of(ErrorCode code, String param, String message) {
        return new ApiError(code.status(), code.type(), code.code(), param, message, 0, Map.of());
    }

    /** The same error, answered with {@code Retry-After: seconds}. */
    public ApiError retryAfter(int seconds) {
        return new ApiError(status, type, code, param, getMessage(), seconds, headers);
    }

    /** The same error, answered with these response headers too (a copy, in the map's order). */
    public ApiError withHeaders(Map<String, String> extra) {
        return new ApiError(status, type, code, param, getMessage(), retryAfterSeconds,
                Collections.unmodifiableMap(new LinkedHashMap<>(extra)));
    }

    public static ApiError invalidRequest(String message, String param) {
        return of(ErrorCode.INVALID_REQUEST, param, message);
    }

    public static ApiError missingApiKey() {
        return of(ErrorCode.MISSING_API_KEY, null,
                "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.");
    }

    public static ApiError invalidApiKey() {
        return of(ErrorCode.INVALID_API_KEY, null, "Incorrect API key provided.");
    }

    public static ApiError modelNotFound(String model) {
        return of(ErrorCode.MODEL_NOT_FOUND, "model",
                "The model '" + model + "' does not exist or your key does not open it.");
    }

    public static ApiError notFound(String what) {
        return of(ErrorCode.NOT_FOUND, null, what + " not found.");
    }

    public static ApiError conflict(String message, String param) {
        return of(ErrorCode.CONFLICT, param, message);
    }

    public static ApiError unknownUrl(String method, String path) {
        return of(ErrorCode.UNKNOWN_URL, null, "Invalid URL (" + method + " " + path + ")");
    }

    public static ApiError methodNotAllowed(String method, String path) {
        return of(ErrorCode.METHOD_NOT_ALLOWED, null, "Method " + method + " is not allowed on " + path + ".");
    }

    public static ApiError requestTooLarge(long limitBytes) {
        return of(ErrorCode.REQUEST_TOO_LARGE, null,
                "The request body is larger than the limit of " + limitBytes + " bytes.");
    }

    /**
     * An HTTP error the web server raised itself: no route (404), wrong method (405), a body that did not arrive in
     * time (408), a body over the limit (413), headers over Jetty's limit (431), a malformed request (400, and any
     * other status).
     */
    public static ApiError fromFrameworkStatus(int status, String method, String path, long maxRequestBytes,
                                               String message) {
        return switch (status) {
            case 404 -> unknownUrl(method, path);
            case 405 -> methodNotAllowed(method, path);
            case 408 -> requestTimeout();
            case 413 -> requestTooLarge(maxRequestBytes);
            case 431 -> headersTooLarge();
            default -> invalidRequest(message, null);
        };
    }

    /** The request body stopped arriving for longer than a connection may stay idle. */
    public static ApiError requestTimeout() {
        return of(ErrorCode.REQUEST_TIMEOUT, null,
                "The request body did not arrive in time: the connection stayed idle too long before it was complete.");
    }

    /**
     * Reading the request body failed: it stopped arriving (408), or it ended before its Content-Length or broke its
     * chunked framing (400). Jetty reports an idle timeout as an IOException caused by a TimeoutException.
     */
    public static ApiError unreadableBody(IOException failure) {
        if (failure.getCause() instanceof TimeoutException) {
            return requestTimeout();
        }
        return invalidRequest("The request body could not be read: it ended before its Content-Length, or its chunked"
                + " encoding is malformed.", null);
    }

    public static ApiError upstreamUnavailable(String message) {
        return of(ErrorCode.UPSTREAM_UNAVAILABLE, null, message);
    }

    public static ApiError upstreamTimeout(String message) {
        return of(ErrorCode.UPSTREAM_TIMEOUT, null, message);
    }

    /**
     * An HTTP error answered by an upstream: its status is kept; type and code are the upstream's own when it sent
     * them, else {@code upstream_error}.
     */
    public static ApiError upstreamStatus(int status, String message, String type, String code, String param) {
        return new ApiError(status,
                type == null ? ErrorCode.UPSTREAM_ERROR.type() : type,
                code == null ? ErrorCode.UPSTREAM_ERROR.code() : code,
                param, message, 0, Map.of());
    }

    public static ApiError shuttingDown() {
        return of(ErrorCode.SHUTTING_DOWN, null, "Nexus is shutting down; retry in a moment.");
    }

    /** The database stayed locked longer than a request may wait. */
    public static ApiError databaseBusy() {
        return of(ErrorCode.DATABASE_BUSY, null, "The database is busy; retry in a moment.").retryAfter(1);
    }

    /** Too many bytes of request bodies are held in memory at once. */
    public static ApiError overloaded() {
        return of(ErrorCode.OVERLOADED, null,
                "Nexus is holding too many large requests at once; retry in a moment.").retryAfter(1);
    }

    /** The client went away before its answer; recorded, never sent. */
    public static ApiError clientClosedRequest() {
        return of(ErrorCode.CLIENT_CLOSED_REQUEST, null, "The client closed the request before it was answered.");
    }

    public static ApiError headersTooLarge() {
        return of(ErrorCode.HEADERS_TOO_LARGE, null, "The request's headers are too large.");
    }

    public static ApiError unsupportedMediaType(String message) {
        return of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, null, message);
    }

    public static ApiError permissionDenied(String message) {
        return of(ErrorCode.PERMISSION_DENIED, null, message);
    }

    /** 429: a limit of the caller's key is reached; say when to retry with {@link #retryAfter}. */
    public static ApiError rateLimitExceeded(String message) {
        return of(ErrorCode.RATE_LIMIT_EXCEEDED, null, message);
    }

    public static ApiError internal(String logId) {
        return of(ErrorCode.INTERNAL_ERROR, null,
                "Nexus had an internal error. It has been logged (id " + logId + ").");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    /** Seconds for a {@code Retry-After} header, or 0 when the answer has none. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Response headers to answer with besides {@code Retry-After}, in order; empty for none. */
    public Map<String, String> headers() {
        return headers;
    }

    /** 503: no target of this route can be tried (none usable, or every one skipped). */
    public static ApiError noHealthyTarget(String route) {
        return of(ErrorCode.NO_HEALTHY_TARGET, "model", "The route '" + route + "' has no healthy target to try.");
    }

    public ErrorEnvelope toEnvelope() {
        return new ErrorEnvelope(new ErrorEnvelope.Body(getMessage(), type, param, code));
    }
}
