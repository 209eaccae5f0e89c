package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import nexus.shared.config.NexusConfig;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/**
 * Test fixture for a {@code @RegisterExtension} field: before each test, a MockWebServer upstream and a
 * {@link ProxyServer} over a fresh temporary directory, with one provider at the upstream (OpenAI serving
 * {@code gpt-4} unless told) opened to {@link #KEY}; after each test (and after the test's own {@code @AfterEach}), both
 * are closed and the directory is deleted.
 */
public final class ProxyWithUpstream implements BeforeEachCallback, AfterEachCallback {

    public static final String KEY = "client-key-1";

    private final String providerName;
    private final ProviderKind kind;
    private final String model;
    private final UnaryOperator<NexusConfig> configure;
    private MockWebServer upstream;
    private Path dir;
    private ProxyServer proxy;
    private long providerId;

    /** The test defaults and a provider named "OpenAI". */
    public ProxyWithUpstream() {
        this("OpenAI", UnaryOperator.identity());
    }

    /** A provider of the given name, and the test defaults changed by {@code configure}. */
    public ProxyWithUpstream(String providerName, UnaryOperator<NexusConfig> configure) {
        this(providerName, ProviderKind.OPENAI, "gpt-4", configure);
    }

    /** A provider of the given name and kind at the upstream serving {@code model}, and the test defaults. */
    public ProxyWithUpstream(String providerName, ProviderKind kind, String model) {
        this(providerName, kind, model, UnaryOperator.identity());
    }

    /** A provider of the given name and kind at the upstream serving {@code model}, and the test defaults changed. */
    public ProxyWithUpstream(String providerName, ProviderKind kind, String model,
                             UnaryOperator<NexusConfig> configure) {
        this.providerName = providerName;
        this.kind = kind;
        this.model = model;
        this.configure = configure;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        upstream = new MockWebServer();
        upstream.start();
        dir = Files.createTempDirectory("nexus-proxy-test");
        proxy = ProxyServer.start(configure.apply(NexusConfig.forTests(dir)));
        providerId = proxy.addProvider(providerName, kind, upstream.url("/v1").toString(), KEY, model);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            upstream.close();
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    public MockWebServer upstream() {
        return upstream;
    }

    public ProxyServer proxy() {
        return proxy;
    }

    /** The id of the provider at the upstream. */
    public long providerId() {
        return providerId;
    }

    /** Posts {@code json} to {@code /v1/chat/completions} with {@link #KEY}; the caller closes the response. */
    public Response chat(String json) throws IOException {
        return proxy.execute(proxy.post("/v1/chat/completions", KEY, json));
    }

    /** Posts {@code json} like {@link #chat} and reads the answer whole. */
    public Reply send(String json) throws IOException {
        try (Response response = chat(json)) {
            return Reply.of(response);
        }
    }

    /** Posts {@code json} to a proxy path with {@link #KEY} and reads the answer whole. */
    public Reply post(String path, String json) throws IOException {
        try (Response response = proxy.execute(proxy.post(path, KEY, json))) {
            return Reply.of(response);
        }
    }

    /** The next request the upstream received, waiting up to 5 s; it fails the test when there was none. */
    public RecordedRequest upstreamRequest() throws InterruptedException {
        RecordedRequest sent = upstream.takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent).as("the upstream was called").isNotNull();
        return sent;
    }

    /** Waits for the usage row of the request and checks it is the only one. */
    public Usage onlyRow() {
        List<Usage> rows = proxy.awaitUsageRows(1);
        assertThat(rows).hasSize(1);
        return rows.getFirst();
    }

    /** A 400 {@code invalid_request} naming {@code param}, after which no upstream was called and nothing recorded. */
    public void assertRefusedUntouched(Reply reply, String param) {
        assertThat(reply.status()).isEqualTo(400);
        assertThat(ErrorBody.of(reply.body()).withoutMessage())
                .isEqualTo(ErrorBody.of("invalid_request_error", "invalid_request", param));
        assertThat(upstream.getRequestCount()).isZero();
        assertThat(proxy.usageRows()).isEmpty();
    }

    /** A row for a request that failed before any answer began: no tokens, nothing truncated. */
    public static void assertFailedBeforeAnswer(Usage row, int status, String errorCode) {
        assertThat(row.status()).isEqualTo(status);
        assertThat(row.errorCode()).isEqualTo(errorCode);
        assertThat(row.truncated()).isFalse();
        assertThat(row.usageSource()).isEqualTo(UsageSource.MISSING);
        assertThat(List.of(row.promptTokens(), row.completionTokens(), row.totalTokens())).containsOnly(0L);
    }

    /** What the client got back: status, content type ("" when none) and body. */
    public record Reply(int status, String contentType, String body) {

        public static Reply of(Response response) throws IOException {
            return new Reply(response.code(), response.header("Content-Type", ""), response.body().string());
        }
    }
}
