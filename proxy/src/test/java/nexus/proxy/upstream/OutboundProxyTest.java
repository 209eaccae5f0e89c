package nexus.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.ScriptedSseBody;
import nexus.proxy.Sse;
import nexus.proxy.upstream.ForwardProxy.Protocol;
import nexus.shared.db.ModelType;
import nexus.shared.db.NewProvider;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/** A provider with an {@code http_proxy} is called through it; every other provider directly. */
class OutboundProxyTest {

    private static final String PROXIED_KEY = "proxied-key";
    private static final String HELLO = "{\"model\":\"grok-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();
    private ForwardProxy forwardProxy;

    @AfterEach
    void closeProxy() throws IOException {
        if (forwardProxy != null) {
            forwardProxy.close();
        }
    }

    /** A provider "Grok" serving grok-4 at the test upstream, through the given proxy address. */
    private void addProxiedProvider(String httpProxy) {
        long id = gateway.proxy().database().dao(ProviderDao.class).insert(new NewProvider("Grok", ProviderKind.OPENAI,
                gateway.upstream().url("/v1").toString(), "upstream-secret-key", PROXIED_KEY, "", true,
                System.currentTimeMillis(), httpProxy));
        gateway.proxy().addModel(id, "grok-4", ModelType.CHAT);
    }

    private Reply chatThroughProxy(String body) throws IOException {
        try (Response response = gateway.proxy().execute(
                gateway.proxy().post("/v1/chat/completions", PROXIED_KEY, body))) {
            return Reply.of(response);
        }
    }

    private String upstreamAddress() {
        return gateway.upstream().getHostName() + ":" + gateway.upstream().getPort();
    }

    /** The call reached the upstream with the server key and the client's body, and answered the client. */
    private void assertRelayed(Reply reply) throws InterruptedException {
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).contains("from upstream");
        RecordedRequest sent = gateway.upstream().takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer upstream-secret-key");
        assertThat(sent.getHeaders().get("Proxy-Authorization")).isNull();
        assertThat(sent.getBody().utf8()).isEqualTo(HELLO);
    }

    @Test
    void an_http_proxy_carries_the_call_to_the_upstream() throws Exception {
        forwardProxy = ForwardProxy.open(Protocol.HTTP);
        addProxiedProvider(forwardProxy.address(null));
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("grok-4", "from upstream", 3, 2)));

        assertRelayed(chatThroughProxy(HELLO));
        assertThat(forwardProxy.targets).containsExactly(upstreamAddress());
    }

    @Test
    void an_http_proxy_that_asks_for_a_login_gets_the_credentials_of_the_address() throws Exception {
        forwardProxy = ForwardProxy.withLogin(Protocol.HTTP, "grok-user", "p@ss:word");
        addProxiedProvider(forwardProxy.address("grok-user:p%40ss%3Aword"));
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("grok-4", "from upstream", 3, 2)));

        assertRelayed(chatThroughProxy(HELLO));
        assertThat(forwardProxy.credentialsSeen).containsExactly(ForwardProxy.basic("grok-user", "p@ss:word"));
    }

    @Test
    void a_socks5_proxy_carries_a_stream_to_the_upstream() throws Exception {
        forwardProxy = ForwardProxy.open(Protocol.SOCKS5);
        addProxiedProvider(forwardProxy.address(null));
        List<String> events = new ArrayList<>(OpenAiReplies.answerChunks("grok-4", "from ", "upstream"));
        events.add("[DONE]");
        gateway.upstream().enqueue(OpenAiReplies.stream(events));

        Reply reply = chatThroughProxy(HELLO.replace("{", "{\"stream\":true,"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(Sse.contents(Sse.data(reply.body()))).isEqualTo("from upstream");
        assertThat(Sse.data(reply.body())).last().isEqualTo("[DONE]");
        assertThat(forwardProxy.targets).containsExactly(upstreamAddress());
    }

    @Test
    void a_stream_through_a_socks5_proxy_is_still_flushed_event_by_event() throws Exception {
        // OkHttp opens SOCKS sockets itself, so the relay cannot flush before a wait and flushes each event instead.
        forwardProxy = ForwardProxy.open(Protocol.SOCKS5);
        addProxiedProvider(forwardProxy.address(null));
        ScriptedSseBody body = new ScriptedSseBody()
                .event(OpenAiReplies.contentChunk("grok-4", "first"))
                .hold()
                .event(OpenAiReplies.finishChunk("grok-4"))
                .event("[DONE]");
        gateway.upstream().enqueue(body.response());

        try (Response response = gateway.proxy().execute(gateway.proxy().post("/v1/chat/completions", PROXIED_KEY,
                HELLO.replace("{", "{\"stream\":true,")))) {
            assertThat(response.code()).isEqualTo(200);
            BufferedSource source = response.body().source();
            body.readWhileHeld(() -> {
                assertThat(Sse.content(Sse.next(source))).isEqualTo("first");
            });
            assertThat(Sse.next(source)).isEqualTo(OpenAiReplies.finishChunk("grok-4"));
            assertThat(Sse.next(source)).isEqualTo("[DONE]");
        }
    }

    @Test
    void a_socks5_proxy_that_asks_for_a_login_gets_the_credentials_of_the_address() throws Exception {
        forwardProxy = ForwardProxy.withLogin(Protocol.SOCKS5, "grok-user", "socks-secret");
        addProxiedProvider(forwardProxy.address("grok-user:socks-secret"));
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("grok-4", "from upstream", 3, 2)));

        assertRelayed(chatThroughProxy(HELLO));
        assertThat(forwardProxy.credentialsSeen).containsExactly("grok-user:socks-secret");
    }

    @Test
    void a_provider_without_a_proxy_is_called_directly() throws Exception {
        forwardProxy = ForwardProxy.open(Protocol.HTTP);
        addProxiedProvider(forwardProxy.address(null));
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "from upstream", 3, 2)));

        Reply reply = gateway.send(HELLO.replace("grok-4", "gpt-4"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(forwardProxy.targets).isEmpty();
    }

    @Test
    void an_http_proxy_that_refuses_the_login_is_a_502_naming_the_proxy_not_a_407() throws Exception {
        forwardProxy = ForwardProxy.withLogin(Protocol.HTTP, "grok-user", "right");
        addProxiedProvider(forwardProxy.address("grok-user:wrong"));

        Reply reply = chatThroughProxy(HELLO);

        assertThat(reply.status()).isEqualTo(502);
        assertThat(ErrorBody.of(reply.body()).code()).isEqualTo("upstream_unavailable");
        assertThat(ErrorBody.of(reply.body()).message()).contains("outbound proxy", "http_proxy");
        assertThat(gateway.upstream().getRequestCount()).isZero();
    }

    @Test
    void a_proxy_that_refuses_the_login_is_a_502_and_a_recorded_failure() throws Exception {
        forwardProxy = ForwardProxy.withLogin(Protocol.SOCKS5, "grok-user", "right");
        addProxiedProvider(forwardProxy.address("grok-user:wrong"));

        Reply reply = chatThroughProxy(HELLO);

        assertThat(reply.status()).isEqualTo(502);
        assertThat(ErrorBody.of(reply.body()).code()).isEqualTo("upstream_unavailable");
        assertThat(reply.body()).doesNotContain("wrong");
        assertThat(gateway.upstream().getRequestCount()).isZero();
        List<Usage> rows = gateway.proxy().awaitUsageRows(1);
        ProxyWithUpstream.assertFailedBeforeAnswer(rows.getFirst(), 502, "upstream_unavailable");
    }
}
