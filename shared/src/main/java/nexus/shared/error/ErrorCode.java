package nexus.shared.error;

/** The closed vocabulary of errors Nexus answers: HTTP status, OpenAI error {@code type} and {@code code}. */
public enum ErrorCode {
    INVALID_REQUEST(400, "invalid_request_error", "invalid_request"),
    MISSING_API_KEY(401, "invalid_request_error", "missing_api_key"),
    INVALID_API_KEY(401, "invalid_request_error", "invalid_api_key"),
    INSUFFICIENT_BALANCE(402, "insufficient_quota", "insufficient_balance"),
    PERMISSION_DENIED(403, "permission_error", "permission_denied"),
    MODEL_NOT_FOUND(404, "invalid_request_error", "model_not_found"),
    UNKNOWN_URL(404, "invalid_request_error", "unknown_url"),
    NOT_FOUND(404, "invalid_request_error", "not_found"),
    METHOD_NOT_ALLOWED(405, "invalid_request_error", "method_not_allowed"),
    CONFLICT(409, "invalid_request_error", "conflict"),
    REQUEST_TOO_LARGE(413, "invalid_request_error", "request_too_large"),
    UNSUPPORTED_MEDIA_TYPE(415, "invalid_request_error", "unsupported_media_type"),
    HEADERS_TOO_LARGE(431, "invalid_request_error", "request_header_fields_too_large"),
    CLIENT_CLOSED_REQUEST(499, "invalid_request_error", "client_closed_request"),
    RATE_LIMIT_EXCEEDED(429, "rate_limit_error", "rate_limit_exceeded"),
    UPSTREAM_ERROR(502, "upstream_error", "upstream_error"),
    UPSTREAM_UNAVAILABLE(502, "upstream_error", "upstream_unavailable"),
    UPSTREAM_TIMEOUT(504, "upstream_error", "upstream_timeout"),
    SHUTTING_DOWN(503, "server_error", "shutting_down"),
    DATABASE_BUSY(503, "server_error", "database_busy"),
    OVERLOADED(503, "server_error", "overloaded"),
    INTERNAL_ERROR(500, "server_error", "internal_error"),
    REQUEST_TIMEOUT(408, "invalid_request_error", "request_timeout"),
    SPEND_CAP_EXCEEDED(402, "insufficient_quota", "spend_cap_exceeded"),
    NO_HEALTHY_TARGET(503, "server_error", "no_healthy_target");

    private final int status;
    private final String type;
    private final String code;

    ErrorCode(int status, String type, String code) {
        this.status = status;
        this.type = type;
        this.code = code;
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
}
