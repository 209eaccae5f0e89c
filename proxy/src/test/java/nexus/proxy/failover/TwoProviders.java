package nexus.proxy.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Stream;

import mockwebserver3.MockWebServer;
import okhttp3.Response;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import nexus.proxy.ProxyServer;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.UpstreamHealth;
import nexus.shared.db.UpstreamHealthDao;
import nexus.shared.db.Usage;

/**
 * Test fixture for a {@code @RegisterExtension} field: a proxy with a short read timeout and two providers of one
 * kind (openai unless told), "First" and "Second" (added in that order, so First is tried first), each at a
 * MockWebServer of its own, both serving {@code gpt-4} to {@link #KEY}.
 */
final class TwoProviders implements BeforeEachCallback, AfterEachCallback {

    static final String KEY = "failover-key";
    static final Duration READ_TIMEOUT = Duration.ofMillis(400);
    static final String CHAT = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    static final String STREAM =
            "{\"model\":\"gpt-4\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    private final ProviderKind kind;
    private MockWebServer first;
    private MockWebServer second;
    private Path dir;
    private ProxyServer proxy;
    private long firstId;
    private long secondId;

    /** Two providers of kind openai. */
    TwoProviders() {
        this(ProviderKind.OPENAI);
    }

    /** Two providers of the given kind. */
    TwoProviders(ProviderKind kind) {
        this.kind = kind;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        first = new MockWebServer();
        first.start();
        second = new MockWebServer();
        second.start();
        dir = Files.createTempDirectory("nexus-failover-test");
        proxy = ProxyServer.start(NexusConfig.forTests(dir).withUpstreamTimeouts(Duration.ofSeconds(1), READ_TIMEOUT));
        firstId = proxy.addProvider("First", kind, first.url("/v1").toString(), KEY, "gpt-4");
        secondId = proxy.addProvider("Second", kind, second.url("/v1").toString(), KEY, "gpt-4");
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            proxy.close();
        } finally {
            first.close();
            second.close();
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    MockWebServer first() {
        return first;
    }

    MockWebServer second() {
        return second;
    }

    ProxyServer proxy() {
        return proxy;
    }

    long firstId() {
        return firstId;
    }

    long secondId() {
        return secondId;
    }

    /** Posts to a proxy path with {@link #KEY}; the caller closes the response. */
    Response post(String path, String json) throws IOException {
        return proxy.execute(proxy.post(path, KEY, json));
    }

    /** Posts a chat request with {@link #KEY}; the caller closes the response. */
    Response chat(String json) throws IOException {
        return proxy.execute(proxy.post("/v1/chat/completions", KEY, json));
    }

    /** Posts a chat request and reads the answer whole. */
    Reply send(String json) throws IOException {
        try (Response response = chat(json)) {
            return Reply.of(response);
        }
    }

    /** Waits for {@code count} usage rows and answers them in the order they were written. */
    List<Usage> rows(int count) {
        List<Usage> rows = proxy.awaitUsageRows(count);
        assertThat(rows).hasSize(count);
        return rows;
    }

    /**
     * Polls {@code upstream_health} until the condition holds (the proxy publishes about once a second), at most
     * 10 s; answers the rows that met it.
     */
    List<UpstreamHealth> awaitHealth(Predicate<List<UpstreamHealth>> condition) {
        UpstreamHealthDao health = proxy.database().dao(UpstreamHealthDao.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<UpstreamHealth> rows = health.listAll();
        while (!condition.test(rows) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));  // a poll interval, not a wait for an outcome
            rows = health.listAll();
        }
        assertThat(condition.test(rows)).as("upstream_health within 10 s: %s", rows).isTrue();
        return rows;
    }
}
