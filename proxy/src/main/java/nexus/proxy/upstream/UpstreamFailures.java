package nexus.proxy.upstream;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.shared.db.Provider;
import nexus.shared.db.Secrets;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;

/** Turns transport failures and upstream error answers into the client's error, never leaking the server key. */
public final class UpstreamFailures {

    private static final int MAX_MESSAGE_CHARS = 500;
    private static final int PROXY_AUTHENTICATION_REQUIRED = 407;
    private static final String KEY_REFUSED = "' refused the server key configured in Nexus";

    private UpstreamFailures() {}

    /** A call that failed in transport: a timeout is 504, anything else 502. */
    public static ApiError transport(Provider provider, IOException failure) {
        String name = provider.name();
        if (failure instanceof InterruptedIOException) {
            return ApiError.upstreamTimeout("The upstream provider '" + name + "' did not answer in time.");
        }
        String reason = failure instanceof ConnectException ? "connection refused"
                : failure instanceof UnknownHostException ? "unknown host"
                : "connection failed";
        return ApiError.upstreamUnavailable("Could not reach the upstream provider '" + name + "' (" + reason + ").");
    }

    /** A stream that sent no first event within the limit its route sets: a timeout, which the next target may beat. */
    public static ApiError noFirstEvent(Provider provider, long limitMillis) {
        return ApiError.upstreamTimeout("The upstream provider '" + provider.name()
                + "' sent no first chunk within the route's first_token_timeout_ms (" + limitMillis + " ms).");
    }

    /** True when the error is an upstream's 401 or 403, which refused the provider's server key. */
    public static boolean refusedServerKey(ApiError error) {
        return ErrorCode.UPSTREAM_ERROR.code().equals(error.code()) && error.getMessage().contains(KEY_REFUSED);
    }

    /** A stream that broke off after it began. */
    public static ApiError cut(Provider provider, IOException failure) {
        if (failure instanceof InterruptedIOException) {
            return ApiError.upstreamTimeout("The upstream provider '" + provider.name()
                    + "' stopped sending in the middle of the stream.");
        }
        return ApiError.upstreamUnavailable("The upstream provider '" + provider.name()
                + "' broke off the stream before it was complete.");
    }

    /** The error a failed read of an answer shows the client: the exchange's own verdict when it gave one. */
    public static ApiError ofRead(Provider provider, IOException failure) {
        return failure instanceof StreamCutException cut ? cut.error() : cut(provider, failure);
    }

    /**
     * An upstream HTTP error: its status is kept; an OpenAI-shaped body keeps its type, code and param; any other
     * body is reduced to a message.
     */
    public static ApiError status(Provider provider, int status, String body, ObjectMapper mapper) {
        if (status == 401 || status == 403) {
            // The upstream refused Nexus's server key, not the client's key: passing 401 on would send the client
            // looking for a fault in its own key.
            ApiError refused = described(provider, status, "", body, mapper);
            return ApiError.of(ErrorCode.UPSTREAM_ERROR, null, "Upstream provider '" + provider.name()
                    + KEY_REFUSED + " (HTTP " + status + "): " + refused.getMessage());
        }
        if (status == PROXY_AUTHENTICATION_REQUIRED) {
            // From the provider's outbound proxy, not the upstream; a client cannot act on a 407.
            return ApiError.upstreamUnavailable("The outbound proxy of upstream provider '" + provider.name()
                    + "' refused its credentials (HTTP 407); check the provider's http_proxy.");
        }
        return described(provider, status, "Upstream provider '" + provider.name() + "' answered HTTP " + status + ": ",
                body, mapper);
    }

    /**
     * An upstream HTTP error whose body a protocol's own error shape described: the adapter chose the status, type
     * and code the client sees; the message names the provider and the status it answered.
     */
    public static ApiError translated(Provider provider, int upstreamStatus, int status, String message, String type,
                                      String code) {
        return ApiError.upstreamStatus(status, clean("Upstream provider '" + provider.name() + "' answered HTTP "
                + upstreamStatus + ": " + message, provider), type, code, null);
    }

    /** An error event an upstream sent in the middle of a stream; recorded as 502. */
    public static ApiError inStream(Provider provider, String event, ObjectMapper mapper) {
        return described(provider, 502, "Upstream provider '" + provider.name() + "' failed mid-stream: ", event, mapper);
    }

    private static ApiError described(Provider provider, int status, String prefix, String body, ObjectMapper mapper) {
        JsonNode tree = parse(body, mapper);
        JsonNode error = tree == null ? null : tree.get("error");
        if (error != null && error.isObject() && error.path("message").isTextual()) {
            return ApiError.upstreamStatus(status, clean(prefix + error.get("message").asText(), provider),
                    textOrNull(error.get("type")), textOrNull(error.get("code")), textOrNull(error.get("param")));
        }
        String message = tree == null ? body : firstText(tree, "message", "detail", "msg", "error", "error_msg");
        if (message == null || message.isBlank()) {
            message = "no details";
        }
        return ApiError.upstreamStatus(status, clean(prefix + message, provider), null, null, null);
    }

    private static JsonNode parse(String body, ObjectMapper mapper) {
        try {
            return body == null || body.isBlank() ? null : mapper.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String firstText(JsonNode tree, String... fields) {
        for (String field : fields) {
            if (tree.path(field).isTextual()) {
                return tree.get(field).asText();
            }
        }
        return tree.toString();
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
    }

    /** Short, single-line, and without the provider's server key. */
    private static String clean(String message, Provider provider) {
        String cleaned = message.replaceAll("\\s+", " ").strip();
        String key = provider.serverKey();
        if (key != null && key.length() >= 4) {
            cleaned = cleaned.replace(key, Secrets.mask(key));
        }
        return cleaned.length() > MAX_MESSAGE_CHARS ? cleaned.substring(0, MAX_MESSAGE_CHARS) + "…" : cleaned;
    }
}
