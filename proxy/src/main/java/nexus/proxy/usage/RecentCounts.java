package nexus.proxy.usage;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * The token counts of texts counted lately, in one encoding. A chat client sends its system prompt and every earlier
 * turn again with each request, so a prompt's count is mostly texts already counted. Bounded: texts over
 * {@link #MAX_TEXT_CHARS} are not kept, and all is forgotten once the kept texts pass {@link #MAX_CHARS} characters
 * or {@link #MAX_TEXTS} texts. Thread-safe.
 */
final class RecentCounts {

    static final int MAX_TEXT_CHARS = 16 * 1024;
    static final long MAX_CHARS = 1L << 20;
    static final int MAX_TEXTS = 8 * 1024;

    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final AtomicLong chars = new AtomicLong();

    /** The text's count, kept from an earlier call or made now by {@code counter}. */
    int count(String text, ToIntFunction<String> counter) {
        if (text.length() > MAX_TEXT_CHARS) {
            return counter.applyAsInt(text);
        }
        Integer known = counts.get(text);
        if (known != null) {
            return known;
        }
        int count = counter.applyAsInt(text);
        if (chars.addAndGet(text.length()) > MAX_CHARS || counts.size() >= MAX_TEXTS) {
            counts.clear();  // a race may keep a text or two more than the bound: harmless
            chars.set(text.length());
        }
        counts.put(text, count);
        return count;
    }

    /** How many texts are kept now. */
    int size() {
        return counts.size();
    }
}
