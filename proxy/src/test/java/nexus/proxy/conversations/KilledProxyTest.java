package nexus.proxy.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.ProxyProcess;
import nexus.proxy.ProxyServer;
import nexus.proxy.Sse;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.ConversationDao;
import nexus.shared.db.ConversationMessage;
import nexus.shared.db.Database;
import nexus.shared.db.NewProvider;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderKind;

/** A conversation and a message answered 201 are in the database after the proxy process is killed right after. */
class KilledProxyTest {

    private static final String KEY = "durable-key";

    @TempDir
    Path dir;

    final OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false)
            .readTimeout(Duration.ofSeconds(10)).build();

    @Test
    void what_was_answered_201_survives_a_kill_9_right_after() throws Exception {
        Database database = Database.open(NexusConfig.forTests(dir).databaseFile());
        database.dao(ProviderDao.class).insert(new NewProvider("Mock", ProviderKind.MOCK, "mock://local", "", KEY, "",
                true, System.currentTimeMillis(), ""));
        String conversationId;
        List<String> messageIds = new ArrayList<>();
        try (ProxyProcess proxy = ProxyProcess.start(dir, http)) {
            conversationId = Sse.tree(post(proxy, "/v1/conversations", "{\"title\":\"Keep me\"}")).path("id").asText();
            for (int index = 0; index < 20; index++) {
                messageIds.add(Sse.tree(post(proxy, "/v1/conversations/" + conversationId + "/messages",
                        "{\"role\":\"user\",\"content\":\"message " + index + "\"}")).path("message_id").asText());
            }
            proxy.kill();
        }

        ConversationDao conversations = database.dao(ConversationDao.class);
        assertThat(conversations.findById(conversationId)).hasValueSatisfying(conversation -> {
            assertThat(conversation.title()).isEqualTo("Keep me");
            assertThat(conversation.messageCount()).isEqualTo(20);
        });
        assertThat(conversations.listMessagesAfter(conversationId, 0, 100)).extracting(ConversationMessage::id)
                .containsExactlyElementsOf(messageIds);
    }

    private String post(ProxyProcess proxy, String path, String json) throws Exception {
        Request request = new Request.Builder().url(proxy.url(path)).header("Authorization", "Bearer " + KEY)
                .post(RequestBody.create(json, ProxyServer.JSON)).build();
        try (Response response = http.newCall(request).execute()) {
            String body = response.body().string();
            assertThat(response.code()).as(body).isEqualTo(201);
            return body;
        }
    }
}
