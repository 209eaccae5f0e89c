package nexus.proxy.chat;

import static nexus.proxy.ProxyWithUpstream.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import mockwebserver3.RecordedRequest;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.Sse;
import nexus.proxy.usage.TokenCounter;
import nexus.shared.db.ModelPrices;
import nexus.shared.db.ModelType;
import nexus.shared.db.NewProvider;
import nexus.shared.db.NewProviderModel;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.ProviderModel;
import nexus.shared.db.ProviderModelDao;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** Non-streamed chat completions through an OpenAI-compatible upstream. */
class ChatCompletionsTest {

    private static final String HELLO = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"你好\"}],"
            + "\"temperature\":0.7,\"max_tokens\":500}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    @Test
    void the_upstream_answer_is_relayed_byte_for_byte_but_the_nexus_object_with_status_200_and_request_headers() throws Exception {
        String answer = "{ \"id\" : \"chatcmpl-9\", \"object\":\"chat.completion\", \"created\":1700000000,"
                + " \"model\":\"gpt-4-0613\", \"system_fingerprint\":\"fp_1\", \"x_vendor_field\":{\"a\":[1,2.50]},"
                + "\n \"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"你好！\\u00e9\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":4,"
                + "\"total_tokens\":13}}\n";
        gateway.upstream().enqueue(OpenAiReplies.json(answer));

        try (Response response = gateway.chat(HELLO)) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith("application/json");
            assertThat(response.body().string()).isEqualTo(withNexus(answer, response));
            assertThat(response.header("X-Request-Id")).startsWith("req_");
            assertThat(response.header("X-Conversation-Id")).isNotBlank();
        }
    }

    @Test
    void the_upstream_gets_the_server_key_on_the_chat_completions_path_under_its_v1_url() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "hi", 5, 1)));

        try (Response response = gateway.chat(HELLO)) {
            assertThat(response.code()).isEqualTo(200);
        }

        RecordedRequest sent = gateway.upstream().takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getMethod()).isEqualTo("POST");
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer upstream-secret-key");
        assertThat(sent.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(sent.getBody().utf8()).isEqualTo(HELLO);
    }

    @Test
    void a_server_url_with_a_trailing_slash_still_reaches_the_chat_completions_path() throws Exception {
        gateway.proxy().addProvider("Slash", ProviderKind.OPENAI, gateway.upstream().url("/v1/").toString(),
                "slash-key", "gpt-4");
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "hi", 5, 1)));

        try (Response response = gateway.proxy().execute(
                gateway.proxy().post("/v1/chat/completions", "slash-key", HELLO))) {
            assertThat(response.code()).isEqualTo(200);
        }

        assertThat(gateway.upstream().takeRequest(5, TimeUnit.SECONDS).getUrl().encodedPath())
                .isEqualTo("/v1/chat/completions");
    }

    @Test
    void a_provider_without_a_server_key_sends_no_authorization_upstream() throws Exception {
        ProxyServer proxy = gateway.proxy();
        proxy.database().dao(ProviderDao.class).insert(new NewProvider("Local vLLM", ProviderKind.OPENAI,
                gateway.upstream().url("/v1").toString(), "", "local-key", "", true, System.currentTimeMillis(), ""));
        long localId = proxy.database().dao(ProviderDao.class).listAll().getLast().id();
        proxy.database().dao(ProviderModelDao.class).insert(new NewProviderModel(localId, "llama", "", true, 1L, ModelType.CHAT, ModelPrices.NONE, ProviderModel.DEFAULT_MAX_OUTPUT_TOKENS));
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("llama", "hi", 5, 1)));

        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", "local-key",
                "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))) {
            assertThat(response.code()).isEqualTo(200);
        }

        assertThat(gateway.upstream().takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization")).isNull();
    }

    @Test
    void every_field_nexus_does_not_read_reaches_the_upstream_untouched() throws Exception {
        String request = """
                {"model":"gpt-4","messages":[{"role":"system","content":"Be brief."},\
                {"role":"user","content":[{"type":"text","text":"What is in this image?"},\
                {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]}],\
                "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather",\
                "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],\
                "tool_choice":{"type":"function","function":{"name":"get_weather"}},\
                "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"}}},\
                "n":2,"stop":["\\n\\n","END"],"seed":42,"user":"user-7","logprobs":true,"top_logprobs":3,\
                "temperature":0,"max_tokens":500,"x_unknown_field":{"nested":[1,true,null,"é"]},"stream":false}""";
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "a cat", 20, 2)));

        try (Response response = gateway.chat(request)) {
            assertThat(response.code()).isEqualTo(200);
        }

        assertThat(gateway.upstream().takeRequest(5, TimeUnit.SECONDS).getBody().utf8()).isEqualTo(request);
    }

    @Test
    void a_reported_usage_is_recorded_as_one_row_with_source_reported() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Hello!", 9, 4)));
        String requestId;
        String conversationId;
        try (Response response = gateway.chat(HELLO)) {
            requestId = response.header("X-Request-Id");
            conversationId = response.header("X-Conversation-Id");
        }

        Usage row = gateway.proxy().awaitUsageRows(1).getFirst();
        assertThat(gateway.proxy().usageRows()).hasSize(1);
        assertThat(row.requestId()).isEqualTo(requestId);
        assertThat(row.conversationId()).isEqualTo(conversationId);
        assertThat(row.apiKey()).isEqualTo(KEY);
        assertThat(row.providerId()).isEqualTo(gateway.providerId());
        assertThat(row.providerName()).isEqualTo("OpenAI");
        assertThat(row.model()).isEqualTo("gpt-4");
        assertThat(row.endpoint()).isEqualTo("chat.completions");
        assertThat(row.stream()).isFalse();
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.truncated()).isFalse();
        assertThat(row.errorCode()).isNull();
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(List.of(row.promptTokens(), row.completionTokens(), row.totalTokens())).containsExactly(9L, 4L, 13L);
        assertThat(row.firstTokenMillis()).isNull();
        assertThat(row.latencyMillis()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void prompt_tokens_served_from_the_upstreams_cache_are_recorded() throws Exception {
        String answer = OpenAiReplies.completion("gpt-4", "hi", 2006, 300).replace("\"total_tokens\":2306}",
                "\"total_tokens\":2306,\"prompt_tokens_details\":{\"cached_tokens\":1920}}");
        gateway.upstream().enqueue(OpenAiReplies.json(answer));

        try (Response response = gateway.chat(HELLO)) {
            assertThat(response.code()).isEqualTo(200);
        }

        Usage row = gateway.proxy().awaitUsageRows(1).getFirst();
        assertThat(List.of(row.promptTokens(), row.cacheReadTokens(), row.cacheCreationTokens()))
                .containsExactly(2006L, 1920L, 0L);
    }

    @Test
    void an_answer_without_usage_is_recorded_with_tokens_estimated_by_the_tokenizer() throws Exception {
        String content = "Hello there, how can I help you today?";
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", content, -1, 0)));

        try (Response response = gateway.chat(HELLO)) {
            assertThat(response.code()).isEqualTo(200);
        }

        Usage row = gateway.proxy().awaitUsageRows(1).getFirst();
        TokenCounter tokens = new TokenCounter();
        long prompt = tokens.countPrompt(Sse.tree(HELLO).get("messages"), "gpt-4");
        long completion = tokens.count(content, "gpt-4");
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(prompt).isPositive();
        assertThat(completion).isPositive();
        assertThat(List.of(row.promptTokens(), row.completionTokens(), row.totalTokens()))
                .containsExactly(prompt, completion, prompt + completion);
    }

    @Test
    void the_clients_own_conversation_id_is_echoed_and_recorded() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "hi", 5, 1)));
        Request request = gateway.proxy().post("/v1/chat/completions", KEY, HELLO).newBuilder()
                .header("X-Conversation-Id", "my-chat_2024.06:01").build();

        try (Response response = gateway.proxy().execute(request)) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("X-Conversation-Id")).isEqualTo("my-chat_2024.06:01");
        }

        assertThat(gateway.proxy().awaitUsageRows(1).getFirst().conversationId()).isEqualTo("my-chat_2024.06:01");
    }

    @Test
    void each_request_without_a_conversation_id_gets_a_new_one_and_a_new_request_id() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "hi", 5, 1)));
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "hi", 5, 1)));

        String firstConversation;
        String firstRequest;
        try (Response response = gateway.chat(HELLO)) {
            firstConversation = response.header("X-Conversation-Id");
            firstRequest = response.header("X-Request-Id");
        }
        try (Response response = gateway.chat(HELLO)) {
            assertThat(firstConversation).matches("[A-Za-z0-9][A-Za-z0-9._:-]*");
            assertThat(response.header("X-Conversation-Id")).isNotBlank().isNotEqualTo(firstConversation);
            assertThat(response.header("X-Request-Id")).isNotBlank().isNotEqualTo(firstRequest);
        }
    }

    @Test
    void an_invalid_conversation_id_is_refused_before_the_upstream_is_called() throws Exception {
        Request request = gateway.proxy().post("/v1/chat/completions", KEY, HELLO).newBuilder()
                .header("X-Conversation-Id", "../x").build();

        try (Response response = gateway.proxy().execute(request)) {
            assertThat(response.code()).isEqualTo(400);
            assertThat(ErrorBody.of(response.body().string()).withoutMessage())
                    .isEqualTo(ErrorBody.of("invalid_request_error", "invalid_request", "X-Conversation-Id"));
        }

        assertThat(gateway.upstream().getRequestCount()).isZero();
    }

    @Test
    void the_chat_completions_alias_without_v1_works_the_same() throws Exception {
        String answer = OpenAiReplies.completion("gpt-4", "alias", 5, 1);
        gateway.upstream().enqueue(OpenAiReplies.json(answer));

        try (Response response = gateway.proxy().execute(gateway.proxy().post("/chat/completions", KEY, HELLO))) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.body().string()).isEqualTo(withNexus(answer, response));
            assertThat(response.header("X-Request-Id")).isNotBlank();
        }

        assertThat(gateway.upstream().takeRequest(5, TimeUnit.SECONDS).getUrl().encodedPath())
                .isEqualTo("/v1/chat/completions");
        assertThat(gateway.proxy().awaitUsageRows(1).getFirst().status()).isEqualTo(200);
    }

    /** The upstream's answer as the client gets it: its own bytes with the nexus object before the closing brace. */
    private static String withNexus(String answer, Response response) {
        int close = answer.lastIndexOf('}');
        return answer.substring(0, close) + ",\"nexus\":{\"generation_id\":\""
                + response.header("X-Nexus-Generation-Id") + "\",\"route\":null}" + answer.substring(close);
    }
}
