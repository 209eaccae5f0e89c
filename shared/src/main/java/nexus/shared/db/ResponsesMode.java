package nexus.shared.db;

import java.util.Locale;
import java.util.Optional;

/**
 * How a provider serves OpenAI's Responses API ({@code POST /v1/responses}); stored lower-case in
 * {@code provider.responses}. Only a provider of kind openai can serve it natively.
 */
public enum ResponsesMode implements WireNamed {
    /** Native for a server at https://api.openai.com, translated for any other. */
    AUTO,
    /** The server speaks the Responses API: requests and answers pass through as they are. */
    NATIVE,
    /** Served through the translation to a chat completion and back. */
    TRANSLATE;

    /** The prefix of server URLs that AUTO takes to speak the Responses API. */
    public static final String OPENAI_URL = "https://api.openai.com";

    @Override
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ResponsesMode> fromWireName(String value) {
        return WireNamed.find(ResponsesMode.class, value);
    }

    /** The accepted names, for error messages: "auto, native, translate". */
    public static String wireNames() {
        return WireNamed.names(ResponsesMode.class);
    }
}
