package nexus.proxy.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.Database;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** Files the older message storage wrote are taken into the store at start, owned by their key, and then deleted. */
class LegacyFilesTest {

    private static final String KEY = "old-key";
    private static final String CONVERSATION = "old-trip.1";

    @TempDir
    Path dir;

    @Test
    void an_old_jsonl_file_becomes_its_keys_conversation_and_is_removed() throws Exception {
        NexusConfig config = NexusConfig.forTests(dir);
        Database.open(config.databaseFile()).insertUsage(List.of(row("req_old1"), row("req_old2")));
        Path file = config.messagesDir().resolve(CONVERSATION + ".jsonl");
        Files.createDirectories(config.messagesDir());
        Files.writeString(file, line("req_old1", "[{\"role\":\"user\",\"content\":\"Where?\"}]", "Lisbon.")
                + line("req_bad", "[{\"role\":\"user\",\"content\":\"Fails\"}]", null)
                + line("req_old2", "[{\"role\":\"user\",\"content\":\"Where?\"},{\"role\":\"assistant\","
                        + "\"content\":\"Lisbon.\"},{\"role\":\"user\",\"content\":\"When?\"}]", "May.")
                + "{\"request_id\":\"req_cut\",\"sta");

        try (ProxyServer proxy = ProxyServer.start(config)) {
            proxy.addProvider("Mock", ProviderKind.MOCK, "mock://local", KEY, "mock-gpt");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Files.exists(file) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));  // a poll interval
            }
            assertThat(file).doesNotExist();
            JsonNode read = new ConversationCalls(proxy, KEY).get("/v1/conversations/" + CONVERSATION).json();
            assertThat(read.path("messages")).extracting(message -> message.path("role").asText() + ":"
                    + message.path("content").asText())
                    .containsExactly("user:Where?", "assistant:Lisbon.", "user:When?", "assistant:May.");
            assertThat(new ConversationCalls(proxy, "someone-else").get("/v1/conversations/" + CONVERSATION)
                    .status()).isEqualTo(401);
        }
    }

    private static String line(String requestId, String messages, String answer) {
        String response = answer == null ? "null" : OpenAiReplies.completion("gpt-4", answer, 5, 1);
        return "{\"request_id\":\"" + requestId + "\",\"conversation_id\":\"" + CONVERSATION + "\",\"model\":\"gpt-4\","
                + "\"stream\":false,\"status\":" + (answer == null ? 502 : 200) + ",\"messages\":" + messages
                + ",\"response\":" + response + "}\n";
    }

    private static Usage row(String requestId) {
        return new Usage(0, requestId, KEY, 1, "Old", "gpt-4", CONVERSATION, "chat.completions", false, 5, 1, 6,
                UsageSource.REPORTED, 200, false, null, 10, null, 1, 0, 0, 0, null, 0, false);
    }
}
