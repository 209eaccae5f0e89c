package nexus.shared.db;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** An enum stored and shown by one lower-case name (openai, chat, reported …). */
public interface WireNamed {

    String wireName();

    /** The constant of {@code type} with this wire name. */
    static <E extends Enum<E> & WireNamed> Optional<E> find(Class<E> type, String wireName) {
        return Arrays.stream(type.getEnumConstants()).filter(constant -> constant.wireName().equals(wireName))
                .findFirst();
    }

    /** The wire names of {@code type}, for error messages: "openai, anthropic, mock". */
    static <E extends Enum<E> & WireNamed> String names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(WireNamed::wireName).collect(Collectors.joining(", "));
    }
}
