package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

/** Test helper: an OpenAI error envelope {@code {"error":{message,type,param,code}}} as a client reads it. */
public record ErrorBody(String message, String type, String code, String param) {

    /** Parses an error body, checking it has exactly OpenAI's shape (every field present, param possibly null). */
    public static ErrorBody of(String json) {
        JsonNode root = Sse.tree(json);
        assertThat(root.isObject()).as("error body is an object: %s", json).isTrue();
        assertThat(root.size()).as("top-level fields of %s", json).isEqualTo(1);
        JsonNode error = root.get("error");
        assertThat(error).as("error object in %s", json).isNotNull();
        assertThat(error.has("message") && error.has("type") && error.has("code") && error.has("param"))
                .as("message, type, code and param are all present in %s", json).isTrue();
        return new ErrorBody(text(error.get("message")), text(error.get("type")), text(error.get("code")),
                text(error.get("param")));
    }

    /** The same body without its message, for comparing the machine-readable fields only. */
    public ErrorBody withoutMessage() {
        return new ErrorBody(null, type, code, param);
    }

    public static ErrorBody of(String type, String code, String param) {
        return new ErrorBody(null, type, code, param);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
