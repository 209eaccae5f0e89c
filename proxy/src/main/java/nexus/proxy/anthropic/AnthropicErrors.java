package nexus.proxy.anthropic;

import nexus.shared.error.ApiError;

/**
 * Anthropic's error shape, {@code {"type":"error","error":{"type","message"}}}, for the errors of the Anthropic
 * Messages endpoint: the status stays, the type follows it as https://docs.claude.com/en/api/errors lists them, so
 * an Anthropic SDK raises its typed exception. Stateless.
 */
public final class AnthropicErrors {

    /** Sent by Anthropic's SDKs on every request, by OpenAI's never. */
    public static final String VERSION_HEADER = "anthropic-version";
    private static final String MESSAGES_PATH = "/v1/messages";

    private AnthropicErrors() {}

    /** True for the paths whose clients speak Anthropic's format, also when the path is unknown or refused. */
    public static boolean speakAnthropic(String path) {
        return path.equals(MESSAGES_PATH) || path.startsWith(MESSAGES_PATH + "/");
    }

    /** The same, and true too for any request carrying {@code anthropic-version} (null when it has none). */
    public static boolean speakAnthropic(String path, String anthropicVersion) {
        return anthropicVersion != null || speakAnthropic(path);
    }

    /** The error as Anthropic writes it. */
    public static Envelope envelope(ApiError error) {
        return new Envelope("error", new Body(type(error.status()), error.getMessage()));
    }

    /** Anthropic's error type for an HTTP status; other 4xx are invalid_request_error, other 5xx api_error. */
    static String type(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** {@code {"type":"error","error":{…}}}. */
    public record Envelope(String type, Body error) {}

    /** The inside: Anthropic's error type and a message. */
    public record Body(String type, String message) {}
}
