package nexus.proxy.conversations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.NotFoundException;
import com.openai.models.conversations.Conversation;
import com.openai.models.conversations.ConversationCreateParams;
import com.openai.models.conversations.ConversationDeletedResource;
import com.openai.models.conversations.ConversationUpdateParams;
import com.openai.models.conversations.items.ConversationItem;
import com.openai.models.conversations.items.ConversationItemList;
import com.openai.models.conversations.items.ItemCreateParams;
import com.openai.models.conversations.items.ItemDeleteParams;
import com.openai.models.conversations.items.ItemListParams;
import com.openai.models.conversations.items.ItemRetrieveParams;
import com.openai.models.responses.EasyInputMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.ProxyServer;
import nexus.shared.db.ProviderKind;

/** Contract test: the official OpenAI Java SDK's conversations() and conversations().items() calls against Nexus. */
class OpenAiSdkConversationsTest {

    private static final String KEY = "sdk-conversations-key";

    @TempDir
    Path dir;

    ProxyServer proxy;
    OpenAIClient client;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        proxy.addProvider("Mock", ProviderKind.MOCK, "mock://local?delay_ms=0", KEY, "mock-gpt");
        client = OpenAIOkHttpClient.builder().baseUrl(proxy.url("/v1")).apiKey(KEY).maxRetries(0)
                .timeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        proxy.close();
    }

    private static EasyInputMessage message(EasyInputMessage.Role role, String text) {
        return EasyInputMessage.builder().role(role).content(text).build();
    }

    @Test
    void create_retrieve_update_and_delete_read_as_the_sdks_typed_objects() {
        Conversation created = client.conversations().create(ConversationCreateParams.builder()
                .metadata(ConversationCreateParams.Metadata.builder()
                        .putAdditionalProperty("topic", JsonValue.from("travel")).build())
                .addItem(message(EasyInputMessage.Role.USER, "Hello"))
                .build()).validate();

        assertThat(created.id()).startsWith("conv_");
        long nowSeconds = System.currentTimeMillis() / 1000;
        assertThat(created.createdAt()).isBetween(nowSeconds - 5, nowSeconds + 1);
        assertThat(created._metadata()).isEqualTo(JsonValue.from(Map.of("topic", "travel")));
        assertThat(client.conversations().retrieve(created.id()).validate().id()).isEqualTo(created.id());

        Conversation updated = client.conversations().update(ConversationUpdateParams.builder()
                .conversationId(created.id())
                .metadata(ConversationUpdateParams.Metadata.builder()
                        .putAdditionalProperty("topic", JsonValue.from("food")).build())
                .build()).validate();
        assertThat(updated._metadata()).isEqualTo(JsonValue.from(Map.of("topic", "food")));

        ConversationDeletedResource deleted = client.conversations().delete(created.id()).validate();
        assertThat(deleted.id()).isEqualTo(created.id());
        assertThat(deleted.deleted()).isTrue();
        assertThatThrownBy(() -> client.conversations().retrieve(created.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void items_are_created_listed_page_by_page_retrieved_and_deleted() {
        String id = client.conversations().create(ConversationCreateParams.builder()
                .addItem(message(EasyInputMessage.Role.USER, "Hello")).build()).id();

        ConversationItemList added = client.conversations().items().create(ItemCreateParams.builder()
                .conversationId(id)
                .addItem(message(EasyInputMessage.Role.ASSISTANT, "Hi there"))
                .addItem(message(EasyInputMessage.Role.USER, "Plan a trip"))
                .addItem(message(EasyInputMessage.Role.ASSISTANT, "To Lisbon"))
                .addItem(message(EasyInputMessage.Role.USER, "Thanks"))
                .build()).validate();
        assertThat(added.data()).hasSize(4);
        assertThat(added.data().getFirst().asMessage().content().getFirst().asOutputText().text())
                .isEqualTo("Hi there");

        List<ConversationItem> ascending = client.conversations().items().list(id, ItemListParams.builder()
                .order(ItemListParams.Order.ASC).limit(2).build()).autoPager().stream().toList();
        assertThat(ascending).extracting(item -> text(item))
                .containsExactly("Hello", "Hi there", "Plan a trip", "To Lisbon", "Thanks");
        List<ConversationItem> newestFirst = client.conversations().items().list(id).autoPager().stream().toList();
        assertThat(newestFirst).extracting(item -> text(item))
                .containsExactly("Thanks", "To Lisbon", "Plan a trip", "Hi there", "Hello");

        String first = ascending.getFirst().asMessage().id();
        ConversationItem retrieved = client.conversations().items().retrieve(ItemRetrieveParams.builder()
                .conversationId(id).itemId(first).build());
        assertThat(retrieved.asMessage().content().getFirst().asInputText().text()).isEqualTo("Hello");

        Conversation after = client.conversations().items().delete(ItemDeleteParams.builder()
                .conversationId(id).itemId(first).build()).validate();
        assertThat(after.id()).isEqualTo(id);
        assertThat(client.conversations().items().list(id).autoPager().stream().toList()).hasSize(4);
        assertThatThrownBy(() -> client.conversations().items().retrieve(ItemRetrieveParams.builder()
                .conversationId(id).itemId(first).build())).isInstanceOf(NotFoundException.class);
    }

    private static String text(ConversationItem item) {
        var content = item.asMessage().content().getFirst();
        return content.isInputText() ? content.asInputText().text() : content.asOutputText().text();
    }
}
