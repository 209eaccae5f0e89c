package nexus.proxy.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.ErrorBody;
import nexus.proxy.ProxyServer;
import nexus.proxy.Sse;
import nexus.proxy.conversations.ConversationCalls.Answer;
import nexus.shared.db.ProviderKind;

/** The platform's conversations API on the proxy: create, list, read, rename, delete, append; and every refusal. */
class ConversationsApiTest {

    @TempDir
    Path dir;

    ProxyServer proxy;
    ConversationCalls alice;
    ConversationCalls bob;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        proxy.addProvider("Alice's", ProviderKind.MOCK, "mock://local?delay_ms=0", "alice-key", "mock-gpt");
        proxy.addProvider("Bob's", ProviderKind.MOCK, "mock://local?delay_ms=0", "bob-key", "mock-gpt");
        alice = new ConversationCalls(proxy, "alice-key");
        bob = new ConversationCalls(proxy, "bob-key");
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void a_created_conversation_answers_201_in_both_shapes_and_reads_back() {
        Answer created = alice.post("/v1/conversations", "{\"title\":\"Trip to Lisbon\",\"metadata\":{\"tags\":[\"travel\"],\"pinned\":true}}");

        assertThat(created.status()).isEqualTo(201);
        JsonNode body = created.json();
        String id = body.path("id").asText();
        assertThat(id).startsWith("conv_").isEqualTo(body.path("conversation_id").asText());
        assertThat(body.path("object").asText()).isEqualTo("conversation");
        assertThat(body.path("title").asText()).isEqualTo("Trip to Lisbon");
        assertThat(body.path("metadata")).isEqualTo(Sse.tree("{\"tags\":[\"travel\"],\"pinned\":true}"));
        assertThat(body.path("message_count").asLong()).isZero();
        long nowSeconds = System.currentTimeMillis() / 1000;
        assertThat(body.path("created_at").asLong()).isBetween(nowSeconds - 5, nowSeconds + 1);
        assertThat(body.path("updated_at").asLong()).isEqualTo(body.path("created_at").asLong());

        Answer read = alice.get("/v1/conversations/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().path("title").asText()).isEqualTo("Trip to Lisbon");
        assertThat(read.json().path("messages")).isEmpty();
        assertThat(read.json().path("has_more").asBoolean()).isFalse();
        assertThat(alice.get("/conversations/" + id).status()).as("without the /v1 prefix").isEqualTo(200);
    }

    @Test
    void messages_are_stored_in_order_with_their_fields_and_counted() {
        String id = alice.create("{}");

        Answer user = alice.post("/v1/conversations/" + id + "/messages",
                "{\"role\":\"user\",\"content\":\"Where should I go?\",\"name\":\"ana\",\"metadata\":{\"client\":\"web\"}}");
        Answer parts = alice.post("/v1/conversations/" + id + "/messages",
                "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Lisbon.\"}]}");
        Answer tool = alice.post("/v1/conversations/" + id + "/messages",
                "{\"role\":\"tool\",\"content\":\"22 C\",\"tool_call_id\":\"call_1\"}");

        assertThat(List.of(user.status(), parts.status(), tool.status())).containsOnly(201);
        assertThat(user.json().path("message_id").asText()).startsWith("msg_");
        assertThat(user.json().path("created_at").asLong()).isPositive();
        JsonNode read = alice.get("/v1/conversations/" + id).json();
        assertThat(read.path("message_count").asLong()).isEqualTo(3);
        JsonNode messages = read.path("messages");
        assertThat(messages).extracting(message -> message.path("role").asText())
                .containsExactly("user", "assistant", "tool");
        assertThat(messages.get(0).path("content").asText()).isEqualTo("Where should I go?");
        assertThat(messages.get(0).path("name").asText()).isEqualTo("ana");
        assertThat(messages.get(0).path("metadata").path("client").asText()).isEqualTo("web");
        assertThat(messages.get(0).path("message_id").asText()).isEqualTo(user.json().path("message_id").asText());
        assertThat(messages.get(1).path("content").get(0).path("text").asText()).isEqualTo("Lisbon.");
        assertThat(messages.get(2).path("tool_call_id").asText()).isEqualTo("call_1");
        assertThat(read.path("updated_at").asLong()).isGreaterThanOrEqualTo(read.path("created_at").asLong());
    }

    @Test
    void the_list_is_the_callers_own_newest_updated_first_paged_by_cursor() {
        List<String> ids = new ArrayList<>();
        for (int index = 0; index < 5; index++) {
            ids.add(alice.create("{\"title\":\"c" + index + "\"}"));
        }
        bob.create("{\"title\":\"bob's\"}");
        alice.post("/v1/conversations/" + ids.get(1) + "/messages", "{\"role\":\"user\",\"content\":\"bump\"}");

        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            JsonNode page = alice.get("/v1/conversations?limit=2" + (after == null ? "" : "&after=" + after)).json();
            page.path("data").forEach(conversation -> seen.add(conversation.path("id").asText()));
            after = page.path("has_more").asBoolean() ? page.path("next_cursor").asText() : null;
            assertThat(page.path("next_cursor").isNull()).isEqualTo(after == null);
            pages++;
        } while (after != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly(ids.get(1), ids.get(4), ids.get(3), ids.get(2), ids.get(0));
    }

    @Test
    void rename_replaces_the_title_and_the_metadata_whole_and_keeps_what_is_not_sent() {
        String id = alice.create("{\"title\":\"Old\",\"metadata\":{\"a\":1,\"b\":2}}");

        Answer renamed = alice.patch("/v1/conversations/" + id, "{\"title\":\"New\"}");
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.json().path("title").asText()).isEqualTo("New");
        assertThat(renamed.json().path("metadata")).isEqualTo(Sse.tree("{\"a\":1,\"b\":2}"));

        Answer replaced = alice.patch("/v1/conversations/" + id, "{\"metadata\":{\"c\":3}}");
        assertThat(replaced.json().path("metadata")).isEqualTo(Sse.tree("{\"c\":3}"));
        assertThat(replaced.json().path("title").asText()).isEqualTo("New");
        assertThat(alice.get("/v1/conversations/" + id).json().path("metadata")).isEqualTo(Sse.tree("{\"c\":3}"));
    }

    @Test
    void delete_removes_the_conversation_and_its_messages() {
        String id = alice.create("{}");
        alice.post("/v1/conversations/" + id + "/messages", "{\"role\":\"user\",\"content\":\"secret plans\"}");

        Answer deleted = alice.delete("/v1/conversations/" + id);

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json()).isEqualTo(Sse.tree("{\"id\":\"" + id + "\",\"object\":\"conversation.deleted\",\"deleted\":true}"));
        assertNotFound(alice.get("/v1/conversations/" + id));
        assertNotFound(alice.delete("/v1/conversations/" + id));
        assertThat(proxy.database().openHandle().createQuery("SELECT COUNT(*) FROM conversation_message")
                .mapTo(Long.class).one()).isZero();
    }

    @Test
    void another_keys_conversation_is_answered_exactly_as_an_unknown_one() {
        String id = alice.create("{\"title\":\"mine\"}");

        Answer foreign = bob.get("/v1/conversations/" + id);
        Answer unknown = bob.get("/v1/conversations/conv_000000000000000000000000000000");

        assertNotFound(foreign);
        assertThat(ErrorBody.of(foreign.body()).withoutMessage()).isEqualTo(ErrorBody.of(unknown.body()).withoutMessage());
        assertNotFound(bob.patch("/v1/conversations/" + id, "{\"title\":\"taken\"}"));
        assertNotFound(bob.delete("/v1/conversations/" + id));
        assertNotFound(bob.post("/v1/conversations/" + id + "/messages", "{\"role\":\"user\",\"content\":\"hi\"}"));
        assertNotFound(bob.get("/v1/conversations/" + id + "/items"));
        assertNotFound(bob.get("/v1/conversations/not..valid"));
        assertThat(bob.get("/v1/conversations").json().path("data")).isEmpty();
        assertThat(alice.get("/v1/conversations/" + id).json().path("title").asText()).isEqualTo("mine");
        assertThat(alice.get("/v1/conversations/" + id).json().path("message_count").asLong()).isZero();
    }

    @Test
    void metadata_of_4_kb_is_kept_and_one_byte_more_is_refused_naming_the_limit() {
        String fits = "{\"metadata\":{\"k\":\"" + "x".repeat(4096 - 8) + "\"}}";
        String over = "{\"metadata\":{\"k\":\"" + "x".repeat(4096 - 7) + "\"}}";

        assertThat(alice.post("/v1/conversations", fits).status()).isEqualTo(201);
        Answer refused = alice.post("/v1/conversations", over);

        assertInvalid(refused, "metadata");
        assertThat(ErrorBody.of(refused.body()).message()).contains("4096 bytes");
        assertThat(alice.get("/v1/conversations").json().path("data")).hasSize(1);
        String id = alice.create("{}");
        assertInvalid(alice.patch("/v1/conversations/" + id, over), "metadata");
        assertInvalid(alice.post("/v1/conversations/" + id + "/messages",
                "{\"role\":\"user\",\"content\":\"x\",\"metadata\":" + Sse.tree(over).path("metadata") + "}"), "metadata");
    }

    @Test
    void validation_errors_are_400_naming_the_field_and_nothing_is_written() {
        String id = alice.create("{}");

        assertInvalid(alice.post("/v1/conversations", "{\"title\":\"" + "t".repeat(201) + "\"}"), "title");
        assertInvalid(alice.post("/v1/conversations", "{\"title\":5}"), "title");
        assertInvalid(alice.post("/v1/conversations", "{\"metadata\":[1]}"), "metadata");
        assertInvalid(alice.post("/v1/conversations", "{\"items\":[{\"type\":\"reasoning\"}]}"), "items[0].type");
        String messages = "/v1/conversations/" + id + "/messages";
        assertInvalid(alice.post(messages, "{\"content\":\"x\"}"), "role");
        assertInvalid(alice.post(messages, "{\"role\":\"wizard\",\"content\":\"x\"}"), "role");
        assertInvalid(alice.post(messages, "{\"role\":\"user\"}"), "content");
        assertInvalid(alice.post(messages, "{\"role\":\"user\",\"content\":5}"), "content");
        assertInvalid(alice.post(messages, "{\"role\":\"tool\",\"content\":\"x\"}"), "tool_call_id");
        assertInvalid(alice.post(messages, "{\"role\":\"user\",\"content\":\"x\",\"name\":1}"), "name");
        assertThat(alice.post(messages, "{\"role\":").status()).isEqualTo(400);
        assertInvalid(alice.get("/v1/conversations?limit=0"), "limit");
        assertInvalid(alice.get("/v1/conversations?limit=101"), "limit");
        assertInvalid(alice.get("/v1/conversations?after=not-a-cursor"), "after");
        assertInvalid(alice.get("/v1/conversations/" + id + "?after=msg_nope"), "after");

        assertThat(alice.get("/v1/conversations").json().path("data")).hasSize(1);
        assertThat(alice.get("/v1/conversations/" + id).json().path("message_count").asLong()).isZero();
    }

    @Test
    void without_a_key_or_with_a_wrong_one_the_answer_is_401() {
        ConversationCalls anonymous = new ConversationCalls(proxy, null);
        ConversationCalls stranger = new ConversationCalls(proxy, "nobody");

        assertThat(anonymous.get("/v1/conversations").status()).isEqualTo(401);
        assertThat(ErrorBody.of(anonymous.post("/v1/conversations", "{}").body()).code()).isEqualTo("missing_api_key");
        assertThat(ErrorBody.of(stranger.get("/v1/conversations").body()).code()).isEqualTo("invalid_api_key");
    }

    private static void assertNotFound(Answer answer) {
        assertThat(answer.status()).isEqualTo(404);
        assertThat(ErrorBody.of(answer.body()).code()).isEqualTo("not_found");
    }

    private static void assertInvalid(Answer answer, String param) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(ErrorBody.of(answer.body()).withoutMessage())
                .isEqualTo(ErrorBody.of("invalid_request_error", "invalid_request", param));
    }
}
