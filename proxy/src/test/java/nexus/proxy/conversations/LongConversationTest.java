package nexus.proxy.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.ProxyServer;
import nexus.shared.db.ProviderKind;

/** A conversation of thousands of messages reads back page by page, each message once, in both shapes. */
class LongConversationTest {

    private static final int MESSAGES = 5_000;
    private static final int PER_CALL = 500;

    @TempDir
    Path dir;

    ProxyServer proxy;
    ConversationCalls calls;
    String id;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        proxy.addProvider("Mock", ProviderKind.MOCK, "mock://local", "long-key", "mock-gpt");
        calls = new ConversationCalls(proxy, "long-key");
        id = calls.create("{}");
        for (int first = 0; first < MESSAGES; first += PER_CALL) {
            String items = String.join(",", IntStream.range(first, first + PER_CALL)
                    .mapToObj(index -> "{\"role\":\"user\",\"content\":\"m" + index + "\"}").toList());
            assertThat(calls.post("/v1/conversations/" + id + "/items", "{\"items\":[" + items + "]}").status())
                    .isEqualTo(201);
        }
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void the_platform_shape_pages_forward_with_next_cursor() {
        List<String> texts = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            JsonNode page = calls.get("/v1/conversations/" + id + "?limit=1000"
                    + (after == null ? "" : "&after=" + after)).json();
            assertThat(page.path("message_count").asLong()).isEqualTo(MESSAGES);
            page.path("messages").forEach(message -> texts.add(message.path("content").asText()));
            after = page.path("has_more").asBoolean() ? page.path("next_cursor").asText() : null;
            pages++;
        } while (after != null);

        assertThat(pages).isEqualTo(5);
        assertThat(texts).containsExactlyElementsOf(IntStream.range(0, MESSAGES).mapToObj(index -> "m" + index)
                .toList());
    }

    @Test
    void openai_items_page_newest_first_with_after_and_last_id() {
        List<String> texts = new ArrayList<>();
        String after = null;
        int pages = 0;
        JsonNode page;
        do {
            page = calls.get("/v1/conversations/" + id + "/items?limit=100"
                    + (after == null ? "" : "&after=" + after)).json();
            page.path("data").forEach(item -> texts.add(item.path("content").get(0).path("text").asText()));
            assertThat(page.path("first_id").asText()).isEqualTo(page.path("data").get(0).path("id").asText());
            after = page.path("last_id").asText();
            pages++;
        } while (page.path("has_more").asBoolean());

        assertThat(pages).isEqualTo(MESSAGES / 100);
        assertThat(texts).containsExactlyElementsOf(IntStream.range(0, MESSAGES).map(index -> MESSAGES - 1 - index)
                .mapToObj(index -> "m" + index).toList());
    }
}
