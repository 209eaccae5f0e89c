package nexus.proxy.responses;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.Sse;
import nexus.shared.db.ProviderKind;

/**
 * {@code conversation} on POST /v1/responses, as Codex and the Agents SDK use it: the conversation's items reach a
 * translated upstream as the chat history before the input, and each finished turn lands in the conversation once,
 * in order (input items, then output items), JSON and streamed, for an OpenAI-compatible upstream and the mock kind.
 * Another key's conversation is the conversations API's 404; a failed or cut call adds nothing.
 */
class ResponsesConversationTest {

    private static final String OTHER_KEY = "other-owner-key";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    @BeforeEach
    void addMockProviders() {
        gateway.proxy().addProvider("Mock", ProviderKind.MOCK, "mock://local?chunks=3&delay_ms=0",
                ProxyWithUpstream.KEY, "echo-1");
        gateway.proxy().addProvider("Other", ProviderKind.MOCK, "mock://local?delay_ms=0", OTHER_KEY, "echo-1");
    }

    @Test
    void two_turns_reach_the_upstream_as_the_conversation_and_land_in_it_once_in_order() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Paris.", 10, 2)));
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "About 2.1 million.", 20, 5)));
        String conversation = ConversationReads.create(gateway.proxy(), ProxyWithUpstream.KEY);

        Reply first = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"conversation\":\"" + conversation
                + "\",\"instructions\":\"Be terse.\",\"input\":\"Capital of France?\"}");
        Reply second = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"conversation\":{\"id\":\""
                + conversation + "\"},\"input\":[{\"role\":\"user\",\"content\":\"Its population?\"}]}");

        assertThat(first.status()).isEqualTo(200);
        assertThat(Sse.tree(second.body()).path("conversation").path("id").asText()).isEqualTo(conversation);
        gateway.upstreamRequest();
        assertThat(Sse.tree(gateway.upstreamRequest().getBody().utf8()).path("messages").toString()).isEqualTo(
                "[{\"role\":\"user\",\"content\":\"Capital of France?\"},{\"role\":\"assistant\",\"content\":\"Paris.\"},"
                        + "{\"role\":\"user\",\"content\":\"Its population?\"}]");
        assertThat(ConversationReads.items(gateway.proxy(), ProxyWithUpstream.KEY, conversation)).containsExactly(
                "user: Capital of France?", "assistant: Paris.", "user: Its population?",
                "assistant: About 2.1 million.");
    }

    @Test
    void streamed_turns_land_in_the_conversation_before_the_stream_ends() throws Exception {
        gateway.upstream().enqueue(streamed("Par", "is."));
        gateway.upstream().enqueue(streamed("About ", "2.1 million."));
        String conversation = ConversationReads.create(gateway.proxy(), ProxyWithUpstream.KEY);

        Reply first = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"stream\":true,\"conversation\":\""
                + conversation + "\",\"input\":\"Capital of France?\"}");
        List<String> afterFirst = ConversationReads.items(gateway.proxy(), ProxyWithUpstream.KEY, conversation);
        Reply second = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"stream\":true,\"conversation\":\""
                + conversation + "\",\"input\":\"Its population?\"}");

        assertThat(Sse.events(first.body()).getLast().name()).isEqualTo("response.completed");
        assertThat(afterFirst).containsExactly("user: Capital of France?", "assistant: Paris.");
        assertThat(Sse.events(second.body()).getLast().json().path("response").path("conversation").path("id")
                .asText()).isEqualTo(conversation);
        gateway.upstreamRequest();
        assertThat(Sse.tree(gateway.upstreamRequest().getBody().utf8()).path("messages").toString()).isEqualTo(
                "[{\"role\":\"user\",\"content\":\"Capital of France?\"},{\"role\":\"assistant\",\"content\":\"Paris.\"},"
                        + "{\"role\":\"user\",\"content\":\"Its population?\"}]");
        assertThat(ConversationReads.items(gateway.proxy(), ProxyWithUpstream.KEY, conversation)).containsExactly(
                "user: Capital of France?", "assistant: Paris.", "user: Its population?",
                "assistant: About 2.1 million.");
    }

    @Test
    void the_mock_kind_keeps_a_conversation_json_and_streamed() throws Exception {
        String conversation = ConversationReads.create(gateway.proxy(), ProxyWithUpstream.KEY);

        Reply first = gateway.post("/v1/responses", "{\"model\":\"echo-1\",\"conversation\":\"" + conversation
                + "\",\"input\":\"Hello there\"}");
        Reply second = gateway.post("/v1/responses", "{\"model\":\"echo-1\",\"stream\":true,\"conversation\":\""
                + conversation + "\",\"input\":\"And again\"}");

        assertThat(first.status()).isEqualTo(200);
        assertThat(Sse.events(second.body()).getLast().name()).isEqualTo("response.completed");
        assertThat(ConversationReads.items(gateway.proxy(), ProxyWithUpstream.KEY, conversation)).containsExactly(
                "user: Hello there", "assistant: Hello there", "user: And again", "assistant: And again");
        var rows = gateway.proxy().awaitUsageRows(2);
        assertThat(rows.get(1).promptTokens()).as("the second turn carries the first as history")
                .isGreaterThan(rows.get(0).promptTokens());
    }

    @Test
    void a_conversation_of_another_key_or_none_is_not_found_and_nothing_is_sent_or_recorded() throws Exception {
        String others = ConversationReads.create(gateway.proxy(), OTHER_KEY);

        for (String conversation : List.of("\"" + others + "\"", "{\"id\":\"" + others + "\"}",
                "\"conv_never_made\"", "\"../x\"")) {
            Reply reply = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"conversation\":" + conversation
                    + ",\"input\":\"Hi\"}");
            assertThat(reply.status()).isEqualTo(404);
            assertThat(ErrorBody.of(reply.body()).withoutMessage())
                    .isEqualTo(ErrorBody.of("invalid_request_error", "not_found", "conversation_id"));
        }

        assertThat(gateway.upstream().getRequestCount()).isZero();
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).isEmpty();
        assertThat(ConversationReads.items(gateway.proxy(), OTHER_KEY, others)).isEmpty();
    }

    @Test
    void a_conversation_with_a_previous_response_id_is_refused_naming_both_and_sent_nowhere() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Paris.", 10, 2)));
        String conversation = ConversationReads.create(gateway.proxy(), ProxyWithUpstream.KEY);
        String first = Sse.tree(gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"conversation\":\""
                + conversation + "\",\"input\":\"Capital of France?\"}").body()).path("id").asText();

        Reply refused = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"conversation\":\"" + conversation
                + "\",\"previous_response_id\":\"" + first + "\",\"input\":\"Its population?\"}");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(ErrorBody.of(refused.body()).withoutMessage())
                .isEqualTo(ErrorBody.of("invalid_request_error", "invalid_request", "conversation"));
        assertThat(refused.body()).contains("previous_response_id");
        assertThat(gateway.upstream().getRequestCount()).isEqualTo(1);
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).hasSize(1);
        assertThat(ConversationReads.items(gateway.proxy(), ProxyWithUpstream.KEY, conversation))
                .containsExactly("user: Capital of France?", "assistant: Paris.");
    }

    @Test
    void a_failed_or_cut_call_adds_nothing_to_the_conversation() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
        List<String> chunks = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", "Once", " upon", " a time"));
        gateway.upstream().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(OpenAiReplies.sse(chunks.subList(0, 2))).onResponseEnd(new SocketEffect.CloseSocket()).build());
        String conversation = ConversationReads.create(gateway.proxy(), ProxyWithUpstream.KEY);

        Reply failed = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"conversation\":\"" + conversation
                + "\",\"input\":\"Hi\"}");
        Reply cut = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"stream\":true,\"conversation\":\""
                + conversation + "\",\"input\":\"Tell\"}");

        assertThat(failed.status()).isEqualTo(500);
        assertThat(Sse.events(cut.body()).getLast().name()).isEqualTo("error");
        assertThat(gateway.proxy().awaitUsageRows(2)).hasSize(2);
        assertThat(ConversationReads.items(gateway.proxy(), ProxyWithUpstream.KEY, conversation)).isEmpty();
    }

    @Test
    void the_chat_transcript_of_the_same_conversation_is_not_written_twice() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Paris.", 10, 2)));
        String conversation = ConversationReads.create(gateway.proxy(), ProxyWithUpstream.KEY);

        try (Response response = gateway.proxy().execute(gateway.proxy().postWithHeaders("/v1/responses",
                "{\"model\":\"gpt-4\",\"conversation\":\"" + conversation + "\",\"input\":\"Capital of France?\"}",
                "Authorization", "Bearer " + ProxyWithUpstream.KEY, "X-Conversation-Id", conversation))) {
            assertThat(response.code()).isEqualTo(200);
        }
        String barrier = ConversationReads.create(gateway.proxy(), ProxyWithUpstream.KEY);
        try (Response response = gateway.proxy().execute(gateway.proxy().postWithHeaders("/v1/chat/completions",
                "{\"model\":\"echo-1\",\"messages\":[{\"role\":\"user\",\"content\":\"barrier\"}]}",
                "Authorization", "Bearer " + ProxyWithUpstream.KEY, "X-Conversation-Id", barrier))) {
            assertThat(response.code()).isEqualTo(200);
        }
        // transcripts are written in the order they were queued: once the later one is there, the earlier one was too
        assertThat(gateway.proxy().awaitStoredMessages(barrier, 2)).hasSize(2);

        assertThat(ConversationReads.items(gateway.proxy(), ProxyWithUpstream.KEY, conversation))
                .containsExactly("user: Capital of France?", "assistant: Paris.");
    }

    /** A whole streamed chat answer of these pieces, ending with [DONE]. */
    private static MockResponse streamed(String... pieces) {
        List<String> chunks = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", pieces));
        chunks.add("[DONE]");
        return OpenAiReplies.stream(chunks);
    }
}
