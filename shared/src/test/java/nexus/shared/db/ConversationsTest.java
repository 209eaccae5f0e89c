package nexus.shared.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The owner-wide operations a key's deletion uses: list an owner's conversations, delete them with their messages. */
class ConversationsTest {

    @TempDir
    Path dir;

    @Test
    void deleting_an_owners_conversations_removes_their_messages_and_leaves_other_owners_alone() {
        Database database = Database.open(dir.resolve("nexus.db"));
        Conversations store = new Conversations(database);
        String keyOwner = ApiKey.owner(7);
        for (String id : List.of("conv_1", "conv_2")) {
            store.create(new Conversation(id, keyOwner, null, "{}", 0, 0, 1, 1),
                    List.of(MessageDraft.stored("msg_" + id, "user", "{\"role\":\"user\",\"content\":\"x\"}", null)));
        }
        store.create(new Conversation("conv_3", "key:8", null, "{}", 0, 0, 1, 1),
                List.of(MessageDraft.stored("msg_conv_3", "user", "{\"role\":\"user\",\"content\":\"y\"}", null)));

        assertThat(keyOwner).isEqualTo("key:7");
        assertThat(store.listByOwner(keyOwner)).extracting(Conversation::id)
                .containsExactlyInAnyOrder("conv_1", "conv_2");
        assertThat(store.deleteByOwner(keyOwner)).isEqualTo(2);

        assertThat(store.listByOwner(keyOwner)).isEmpty();
        assertThat(database.openHandle().createQuery("SELECT conversation_id FROM conversation_message")
                .mapTo(String.class).list()).containsExactly("conv_3");
        assertThat(store.find("conv_3", "key:8")).isPresent();
    }
}
