package nexus.proxy.upstream.mock;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Splits text into lower-case words, the features the mock's embeddings and rerank scores are made of. Stateless. */
final class MockWords {

    private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    private MockWords() {}

    static List<String> of(String text) {
        return Arrays.stream(NOT_WORD.split(text.toLowerCase(Locale.ROOT))).filter(word -> !word.isEmpty()).toList();
    }
}
