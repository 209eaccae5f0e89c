package nexus.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.proxy.ScriptedSseBody;
import nexus.proxy.Sse;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.ProviderKind;

/**
 * An upstream over TLS, as every hosted provider is: over HTTP/1.1 a stream is flushed by the upstream socket before
 * it waits; over HTTP/2, which OkHttp reads on a thread of its own, after each event. Either way each event reaches
 * the client while the upstream still holds the rest.
 */
class TlsUpstreamTest {

    private static final String KEY = "tls-key";

    @TempDir
    Path dir;
    private MockWebServer upstream;
    private ProxyServer proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"HTTP_1_1", "HTTP_2"})
    void each_event_reaches_the_client_as_it_arrives(Protocol protocol) throws Exception {
        HeldCertificate certificate = new HeldCertificate.Builder().addSubjectAlternativeName("localhost").build();
        HandshakeCertificates server = new HandshakeCertificates.Builder().heldCertificate(certificate).build();
        HandshakeCertificates client = new HandshakeCertificates.Builder()
                .addTrustedCertificate(certificate.certificate()).build();
        upstream = new MockWebServer();
        upstream.useHttps(server.sslSocketFactory());
        upstream.setProtocols(protocol == Protocol.HTTP_2 ? List.of(Protocol.HTTP_2, Protocol.HTTP_1_1)
                : List.of(Protocol.HTTP_1_1));
        upstream.start();
        proxy = ProxyServer.start(NexusConfig.forTests(dir), http -> http.newBuilder()
                .sslSocketFactory(client.sslSocketFactory(), client.trustManager()).build());
        proxy.addProvider("Hosted", ProviderKind.OPENAI, upstream.url("/v1").toString(), KEY, "gpt-4");

        ScriptedSseBody body = new ScriptedSseBody()
                .event(OpenAiReplies.contentChunk("gpt-4", "Hel"))
                .hold()
                .event(OpenAiReplies.contentChunk("gpt-4", "lo"))
                .event("[DONE]");
        upstream.enqueue(protocol == Protocol.HTTP_2 ? body.http2Response() : body.response());
        OkHttpClient caller = proxy.client().newBuilder().readTimeout(Duration.ofSeconds(5)).build();

        try (Response response = caller.newCall(proxy.post("/v1/chat/completions", KEY,
                "{\"model\":\"gpt-4\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .execute()) {
            assertThat(response.code()).isEqualTo(200);
            BufferedSource source = response.body().source();
            body.readWhileHeld(() -> {
                assertThat(Sse.content(Sse.next(source))).isEqualTo("Hel");
            });
            assertThat(Sse.content(Sse.next(source))).isEqualTo("lo");
            assertThat(Sse.next(source)).isEqualTo("[DONE]");
        }
        RecordedRequest sent = upstream.takeRequest();
        assertThat(sent.getHandshake()).as("the call went over TLS").isNotNull();
        assertThat(sent.getVersion()).isEqualTo(protocol == Protocol.HTTP_2 ? "HTTP/2" : "HTTP/1.1");
        assertThat(proxy.awaitUsageRows(1).getFirst().status()).isEqualTo(200);
    }
}
