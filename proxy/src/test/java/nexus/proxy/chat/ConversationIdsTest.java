package nexus.proxy.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ConversationIdsTest {

    @Test
    void a_new_id_starts_with_its_creation_time_so_later_ids_sort_later() {
        long before = System.currentTimeMillis();
        String id = ConversationIds.create();
        long after = System.currentTimeMillis();

        assertThat(id).matches("conv_[0-9a-f]{32}");
        long created = Long.parseLong(id.substring(5, 17), 16);
        assertThat(created).isBetween(before, after);
    }

    @Test
    void ids_made_in_the_same_millisecond_still_differ() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(ConversationIds.create());
        }

        assertThat(ids).hasSize(10_000);
    }
}
