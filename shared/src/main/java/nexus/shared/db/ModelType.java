package nexus.shared.db;

import java.util.Locale;
import java.util.Optional;

import nexus.shared.error.ApiError;

/** What a provider model does, and so which proxy endpoints serve it; stored lower-case in {@code provider_model.type}. */
public enum ModelType implements WireNamed {
    CHAT,
    EMBEDDING,
    RERANK,
    IMAGE,
    VIDEO;

    @Override
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ModelType> fromWireName(String value) {
        return WireNamed.find(ModelType.class, value);
    }

    /** The type a request names in its {@code type} field or parameter; any other value is a 400 naming it. */
    public static ModelType named(String value) {
        return fromWireName(value).orElseThrow(() -> ApiError.invalidRequest(
                "'type' must be one of: " + wireNames() + ".", "type"));
    }

    /** The accepted names, for error messages: "chat, embedding, rerank, image, video". */
    public static String wireNames() {
        return WireNamed.names(ModelType.class);
    }
}
