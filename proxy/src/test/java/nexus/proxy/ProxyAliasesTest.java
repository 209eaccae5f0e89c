package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ProxyWithUpstream.Reply;

/** The seed platform's {@code /api/proxy} paths reach the same code as the OpenAI ones. */
class ProxyAliasesTest {

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    @Test
    void chat_completions_under_api_proxy_is_the_chat_endpoint() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Hi there", 9, 2)));

        Reply reply = gateway.post("/api/proxy/chat/completions",
                "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(Sse.tree(reply.body()).at("/choices/0/message/content").asText()).isEqualTo("Hi there");
        assertThat(gateway.upstream().takeRequest().getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(gateway.onlyRow().endpoint()).isEqualTo("chat.completions");
    }

    @Test
    void models_under_api_proxy_is_the_model_list() throws Exception {
        Request request = new Request.Builder().url(gateway.proxy().url("/api/proxy/models"))
                .header("Authorization", "Bearer " + ProxyWithUpstream.KEY).build();
        try (Response response = gateway.proxy().execute(request)) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(Sse.tree(response.body().string()).at("/data/0/id").asText()).isEqualTo("gpt-4");
        }
    }
}
