package nexus.proxy.upstream.anthropic;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.upstream.UpstreamFailures;
import nexus.shared.db.Provider;
import nexus.shared.error.ApiError;

/**
 * Anthropic's errors ({@code {"type":"error","error":{"type":…,"message":…}}}, https://docs.anthropic.com/en/api/errors)
 * in OpenAI's shape and status. Stateless.
 */
final class AnthropicErrors {

    /** Anthropic's own status for "overloaded". */
    private static final int OVERLOADED = 529;

    /** The client's status, OpenAI error type and code for one Anthropic error type. */
    private record Mapping(int status, String type, String code) {}

    private AnthropicErrors() {}

    /** The client's error for an HTTP error answer. */
    static ApiError fromStatus(Provider provider, int status, String body, ObjectMapper mapper) {
        JsonNode error = error(body, mapper);
        if (status == 401 || status == 403 || (error == null && status != OVERLOADED)) {
            // a refused server key keeps the rule every kind follows; a body in no known shape is described as is
            return UpstreamFailures.status(provider, status, body, mapper);
        }
        Mapping mapping = mapping(error == null ? "overloaded_error" : error.path("type").asText(), status);
        String message = error != null ? error.path("message").asText() : body.isBlank() ? "no details" : body;
        return UpstreamFailures.translated(provider, status, mapping.status(), message, mapping.type(),
                mapping.code());
    }

    /** An {@code error} event of a stream, as the OpenAI error payload an upstream sends in a stream. */
    static String inStream(String data, ObjectMapper mapper) {
        JsonNode error = error(data, mapper);
        String message = error == null ? "an event Nexus could not read" : error.path("message").asText();
        Mapping mapping = mapping(error == null ? "" : error.path("type").asText(), 502);
        ObjectNode payload = mapper.createObjectNode();
        ObjectNode body = payload.putObject("error");
        body.put("message", message);
        body.put("type", mapping.type());
        body.putNull("param");
        body.put("code", mapping.code());
        return payload.toString();
    }

    /**
     * By Anthropic's error type, else by status. Overloaded (Anthropic's own 529) becomes 503: OpenAI answers 503 when
     * it is overloaded, so every OpenAI client and HTTP tool knows it as "busy, retry later", while 529 is no standard
     * status and some clients treat an unknown 5xx as final.
     */
    private static Mapping mapping(String type, int status) {
        return switch (type) {
            case "invalid_request_error" -> new Mapping(400, "invalid_request_error", "invalid_request");
            case "billing_error" -> new Mapping(402, "insufficient_quota", "insufficient_balance");
            case "not_found_error" -> new Mapping(404, "invalid_request_error", "not_found");
            case "request_too_large" -> new Mapping(413, "invalid_request_error", "request_too_large");
            case "rate_limit_error" -> new Mapping(429, "rate_limit_error", "rate_limit_exceeded");
            case "api_error" -> new Mapping(500, "server_error", "upstream_error");
            case "timeout_error" -> new Mapping(504, "upstream_error", "upstream_timeout");
            case "overloaded_error" -> new Mapping(503, "server_error", "upstream_overloaded");
            default -> new Mapping(status, "upstream_error", "upstream_error");
        };
    }

    /** The {@code error} object of an Anthropic error body, or null when the body is not one. */
    private static JsonNode error(String body, ObjectMapper mapper) {
        try {
            JsonNode tree = body == null || body.isBlank() ? null : mapper.readTree(body);
            JsonNode error = tree == null ? null : tree.get("error");
            return error != null && error.isObject() && error.path("message").isTextual() ? error : null;
        } catch (IOException e) {
            return null;
        }
    }
}
