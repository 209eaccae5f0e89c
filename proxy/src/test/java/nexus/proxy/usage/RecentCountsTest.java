package nexus.proxy.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

import org.junit.jupiter.api.Test;

/** Texts counted lately are not counted again, and what is kept stays within its bounds. */
class RecentCountsTest {

    private final List<String> counted = new ArrayList<>();
    private final ToIntFunction<String> counter = text -> {
        counted.add(text);
        return text.length() / 2;
    };
    private final RecentCounts recent = new RecentCounts();

    @Test
    void a_text_seen_again_is_answered_from_what_was_kept() {
        assertThat(recent.count("You are a helpful assistant.", counter)).isEqualTo(14);
        assertThat(recent.count(new String("You are a helpful assistant."), counter)).isEqualTo(14);

        assertThat(counted).containsExactly("You are a helpful assistant.");
    }

    @Test
    void a_long_text_is_not_kept_and_too_many_texts_are_forgotten_together() {
        String big = "x".repeat(RecentCounts.MAX_TEXT_CHARS + 1);
        recent.count(big, counter);
        recent.count(big, counter);
        assertThat(counted).hasSize(2);
        assertThat(recent.size()).isZero();

        for (int text = 0; text < RecentCounts.MAX_TEXTS; text++) {
            recent.count("text " + text, counter);
        }
        assertThat(recent.size()).isEqualTo(RecentCounts.MAX_TEXTS);

        recent.count("one more", counter);

        assertThat(recent.size()).isEqualTo(1);
        counted.clear();
        recent.count("one more", counter);
        assertThat(counted).isEmpty();
    }

    @Test
    void kept_texts_stay_under_the_character_bound() {
        int length = RecentCounts.MAX_TEXT_CHARS;
        long most = 0;
        for (int text = 0; text < 2 * RecentCounts.MAX_CHARS / length; text++) {
            recent.count(String.format("%08d", text) + "y".repeat(length - 8), counter);
            most = Math.max(most, (long) recent.size() * length);
        }

        assertThat(most).as("the most characters kept at once").isGreaterThan(RecentCounts.MAX_CHARS / 2)
                .isLessThanOrEqualTo(RecentCounts.MAX_CHARS);
    }
}
