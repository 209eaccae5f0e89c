package nexus.proxy.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.proxy.Sse;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.ConversationDao;
import nexus.shared.db.ConversationMessage;
import nexus.shared.db.ProviderKind;

/** With message storage on, each turn lands in its conversation once; off, nothing is written for an unknown one. */
class MessageStorageTest {

    private static final String KEY = "client-key-1";
    private static final String CONVERSATION = "trip-planning.42";
    private static final String FIRST = "{\"model\":\"gpt-4\",\"stream\":true,\"messages\":"
            + "[{\"role\":\"user\",\"content\":\"Where should I go?\"}]}";
    private static final String SECOND = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Where should I go?\"},{\"role\":\"assistant\",\"content\":\"Lisbon, then Porto.\"},"
            + "{\"role\":\"user\",\"content\":\"Why?\"}]}";

    @StartStop
    final MockWebServer upstream = new MockWebServer();

    @TempDir
    Path dir;

    ProxyServer proxy;

    @AfterEach
    void stop() {
        proxy.close();
    }

    private void start(boolean storeMessages) {
        proxy = ProxyServer.start(NexusConfig.forTests(dir).withStoreMessages(storeMessages));
        proxy.addProvider("OpenAI", ProviderKind.OPENAI, upstream.url("/v1").toString(), KEY, "gpt-4");
    }

    private void send(String json) throws Exception {
        Request request = proxy.post("/v1/chat/completions", KEY, json).newBuilder()
                .header("X-Conversation-Id", CONVERSATION).build();
        try (Response response = proxy.execute(request)) {
            assertThat(response.code()).isEqualTo(200);
            response.body().string();
        }
    }

    private void answerBoth() {
        upstream.enqueue(OpenAiReplies.stream(List.of(
                OpenAiReplies.roleChunk("gpt-4"),
                OpenAiReplies.contentChunk("gpt-4", "Lisbon,"),
                OpenAiReplies.contentChunk("gpt-4", " then Porto."),
                OpenAiReplies.finishChunk("gpt-4"),
                OpenAiReplies.usageChunk("gpt-4", 12, 5),
                "[DONE]")));
        upstream.enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Food and light.", 30, 4)));
    }

    @Test
    void a_streamed_and_a_plain_turn_land_once_each_with_the_whole_answer() throws Exception {
        start(true);
        answerBoth();

        send(FIRST);
        send(SECOND);

        List<ConversationMessage> stored = proxy.awaitStoredMessages(CONVERSATION, 4);
        assertThat(stored).extracting(ConversationMessage::role).containsExactly("user", "assistant", "user",
                "assistant");
        assertThat(Sse.tree(stored.get(0).message())).isEqualTo(Sse.tree(FIRST).path("messages").get(0));
        JsonNode streamed = Sse.tree(stored.get(1).message());
        assertThat(streamed.path("content").asText()).isEqualTo("Lisbon, then Porto.");
        assertThat(stored.get(1).generationId()).isEqualTo(OpenAiReplies.COMPLETION_ID);
        assertThat(stored.get(1).model()).isEqualTo("gpt-4");
        assertThat(Sse.tree(stored.get(1).usage()).path("total_tokens").asLong()).isEqualTo(17);
        assertThat(Sse.tree(stored.get(2).message())).isEqualTo(Sse.tree(SECOND).path("messages").get(2));
        assertThat(Sse.tree(stored.get(3).message()).path("content").asText()).isEqualTo("Food and light.");
        assertThat(Sse.tree(stored.get(3).usage()).path("total_tokens").asLong()).isEqualTo(34);
        assertThat(stored.get(3).requestId()).isNotEqualTo(stored.get(1).requestId());
        assertThat(stored.get(2).requestId()).isEqualTo(stored.get(3).requestId());
    }

    @Test
    void with_storage_off_a_conversation_never_created_gets_nothing_and_no_file_is_written() throws Exception {
        start(false);
        answerBoth();

        send(FIRST);
        send(SECOND);

        assertThat(proxy.awaitUsageRows(2)).hasSize(2);
        proxy.app().close(Duration.ofSeconds(5));  // writes whatever a message store would still hold
        Path messages = dir.resolve("messages");
        if (Files.exists(messages)) {
            try (Stream<Path> files = Files.list(messages)) {
                assertThat(files).isEmpty();
            }
        }
        assertThat(proxy.storedMessages(CONVERSATION)).isEmpty();
        assertThat(proxy.database().dao(ConversationDao.class).findById(CONVERSATION)).isEmpty();
    }
}
