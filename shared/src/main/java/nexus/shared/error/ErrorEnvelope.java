package nexus.shared.error;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The OpenAI error shape: {@code {"error": {"message", "type", "param", "code"}}}. */
public record ErrorEnvelope(Body error) {

    /** The inside of the envelope; null fields are written, as OpenAI writes {@code "param": null}. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Body(String message, String type, String param, String code) {}
}
