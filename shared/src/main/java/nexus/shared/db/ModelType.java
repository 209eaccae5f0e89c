package nexus.shared.db;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

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
        return Arrays.stream(values()).filter(type -> type.wireName().equals(value)).findFirst();
    }

    /** The accepted names, for error messages: "chat, embedding, rerank, image, video". */
    public static String wireNames() {
        return Arrays.stream(values()).map(ModelType::wireName).collect(Collectors.joining(", "));
    }
}
