package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

/** Test helper: an Anthropic error body {@code {"type":"error","error":{"type","message"}}} as a client reads it. */
public record AnthropicErrorBody(String type, String message) {

    /** Parses an error body, checking it has exactly Anthropic's shape. */
    public static AnthropicErrorBody of(String json) {
        JsonNode root = Sse.tree(json);
        assertThat(root.isObject()).as("error body is an object: %s", json).isTrue();
        assertThat(root.path("type").asText()).as("top-level type of %s", json).isEqualTo("error");
        assertThat(root.size()).as("top-level fields of %s", json).isEqualTo(2);
        JsonNode error = root.path("error");
        assertThat(error.path("type").isTextual() && error.path("message").isTextual())
                .as("error.type and error.message are strings in %s", json).isTrue();
        assertThat(error.size()).as("fields of error in %s", json).isEqualTo(2);
        return new AnthropicErrorBody(error.get("type").asText(), error.get("message").asText());
    }
}
