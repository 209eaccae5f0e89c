package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.admin.AdminServer.Failure;
import nexus.shared.db.Conversation;
import nexus.shared.db.Conversations;
import nexus.shared.db.MessageDraft;

/** The admin's /conversations: every key's, filtered by key or owner, searched, paged, read whole and deleted. */
class ConversationsApiTest {

    @RegisterExtension
    final AdminServer server = AdminServer.perTest();

    Conversations store;

    @BeforeEach
    void seed() {
        store = new Conversations(server.database());
        create("conv_a", "key:7", "Trip to Lisbon", 1_000, "Where should we eat?");
        create("conv_b", "key:8", "Budget", 2_000, "Spreadsheet of rent");
        create("conv_c", "personal:abc", null, 3_000, "Lisbon or Porto for food?");
    }

    private void create(String id, String owner, String title, long atMillis, String userText) {
        store.create(new Conversation(id, owner, title, "{\"src\":\"test\"}", 0, 0, atMillis, atMillis),
                List.of(MessageDraft.stored("msg_" + id, "user", "{\"role\":\"user\",\"content\":\"" + userText
                        + "\"}", null)));
    }

    @Test
    void the_list_shows_every_keys_conversations_newest_updated_first_with_their_owner() {
        JsonNode list = server.get("/conversations").expect(200);

        assertThat(list.path("data")).extracting(conversation -> conversation.path("id").asText() + "@"
                + conversation.path("owner").asText())
                .containsExactly("conv_c@personal:abc", "conv_b@key:8", "conv_a@key:7");
        assertThat(list.path("data").get(2).path("message_count").asLong()).isEqualTo(1);
        assertThat(list.path("has_more").asBoolean()).isFalse();
    }

    @Test
    void key_id_owner_and_q_filter_and_q_searches_titles_and_message_text() {
        assertThat(ids(server.get("/conversations?key_id=7").expect(200))).containsExactly("conv_a");
        assertThat(ids(server.get("/conversations?owner=personal:abc").expect(200))).containsExactly("conv_c");
        assertThat(ids(server.get("/conversations?q=lisbon").expect(200))).containsExactly("conv_c", "conv_a");
        assertThat(ids(server.get("/conversations?q=rent").expect(200))).containsExactly("conv_b");
        assertThat(ids(server.get("/conversations?q=lisbon&key_id=7").expect(200))).containsExactly("conv_a");
        assertThat(ids(server.get("/conversations?q=100%25").expect(200))).isEmpty();
    }

    @Test
    void pages_follow_next_cursor() {
        List<String> seen = new ArrayList<>();
        JsonNode page = server.get("/conversations?limit=2").expect(200);
        seen.addAll(ids(page));
        assertThat(page.path("has_more").asBoolean()).isTrue();
        page = server.get("/conversations?limit=2&after=" + page.path("next_cursor").asText()).expect(200);
        seen.addAll(ids(page));

        assertThat(page.path("has_more").asBoolean()).isFalse();
        assertThat(page.path("next_cursor").isNull()).isTrue();
        assertThat(seen).containsExactly("conv_c", "conv_b", "conv_a");
    }

    @Test
    void one_conversation_reads_with_its_messages_and_owner_and_deletes_with_them() {
        JsonNode read = server.get("/conversations/conv_a").expect(200);
        assertThat(read.path("owner").asText()).isEqualTo("key:7");
        assertThat(read.path("title").asText()).isEqualTo("Trip to Lisbon");
        assertThat(read.path("metadata").path("src").asText()).isEqualTo("test");
        assertThat(read.path("messages")).singleElement()
                .satisfies(message -> assertThat(message.path("content").asText()).isEqualTo("Where should we eat?"));

        assertThat(server.delete("/conversations/conv_a").status()).isEqualTo(204);

        assertThat(server.get("/conversations/conv_a").failure()).isEqualTo(Failure.notFound("conversation_id"));
        assertThat(server.delete("/conversations/conv_a").failure()).isEqualTo(Failure.notFound("conversation_id"));
        assertThat(store.messages("conv_a", null, null, 10, true)).isEmpty();
        assertThat(server.database().openHandle().createQuery(
                "SELECT COUNT(*) FROM conversation_message WHERE conversation_id = 'conv_a'").mapTo(Long.class).one())
                .isZero();
    }

    @Test
    void bad_parameters_are_400_naming_them() {
        assertThat(server.get("/conversations?key_id=x").failure()).isEqualTo(Failure.invalid("key_id"));
        assertThat(server.get("/conversations?limit=101").failure()).isEqualTo(Failure.invalid("limit"));
        assertThat(server.get("/conversations?after=nonsense").failure()).isEqualTo(Failure.invalid("after"));
        assertThat(server.get("/conversations/conv_a?after=msg_none").failure()).isEqualTo(Failure.invalid("after"));
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("data").forEach(conversation -> ids.add(conversation.path("id").asText()));
        return ids;
    }
}
