package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import nexus.proxy.upstream.UpstreamHttp;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.ConversationDao;
import nexus.shared.db.ConversationMessage;
import nexus.shared.db.Database;
import nexus.shared.db.ModelPrices;
import nexus.shared.db.ModelType;
import nexus.shared.db.NewProvider;
import nexus.shared.db.NewProviderModel;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.ProviderModel;
import nexus.shared.db.ProviderModelDao;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageDao;

/** Test helper: a real proxy on a random port over a temporary SQLite file, and a client to call it. */
public final class ProxyServer implements AutoCloseable {

    public static final MediaType JSON = MediaType.get("application/json");
    private static final long POLL_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final NexusConfig config;
    private final Database database;
    private final OkHttpClient upstreamHttp;
    private final ProxyApp app;
    private final OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();

    private ProxyServer(NexusConfig config, UnaryOperator<OkHttpClient> upstreamClient, Duration busyTimeout,
                        Clock clock) {
        this.config = config;
        this.database = Database.open(config.databaseFile(), busyTimeout);
        this.upstreamHttp = upstreamClient.apply(UpstreamHttp.client(config));
        this.app = ProxyApp.create(config, database, upstreamHttp, clock).start("127.0.0.1", 0);
    }

    /** A proxy with the test defaults under {@code dir}. */
    public static ProxyServer start(Path dir) {
        return start(NexusConfig.forTests(dir));
    }

    /** A proxy with a config of the test's own making. */
    public static ProxyServer start(NexusConfig config) {
        return new ProxyServer(config, UnaryOperator.identity(), Database.DEFAULT_BUSY_TIMEOUT, Clock.systemUTC());
    }

    /** A proxy over a database that waits at most {@code busyTimeout} for another connection's lock. */
    public static ProxyServer start(NexusConfig config, Duration busyTimeout) {
        return new ProxyServer(config, UnaryOperator.identity(), busyTimeout, Clock.systemUTC());
    }

    /** A proxy whose clock is {@code clock} (what "today" is, and the time its rows carry). */
    public static ProxyServer start(NexusConfig config, Clock clock) {
        return new ProxyServer(config, UnaryOperator.identity(), Database.DEFAULT_BUSY_TIMEOUT, clock);
    }

    /** The same, its upstream client changed by {@code upstreamClient} (to trust a test certificate, say). */
    public static ProxyServer start(NexusConfig config, UnaryOperator<OkHttpClient> upstreamClient) {
        return new ProxyServer(config, upstreamClient, Database.DEFAULT_BUSY_TIMEOUT, Clock.systemUTC());
    }

    public NexusConfig config() {
        return config;
    }

    public Database database() {
        return database;
    }

    public ProxyApp app() {
        return app;
    }

    public OkHttpClient client() {
        return client;
    }

    public int port() {
        return app.port();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + app.port() + path;
    }

    /** Adds an enabled provider with one model; returns the provider id. */
    public long addProvider(String name, ProviderKind kind, String serverUrl, String personalizedKey, String... models) {
        long id = database.dao(ProviderDao.class).insert(new NewProvider(name, kind, serverUrl, "upstream-secret-key",
                personalizedKey, "", true, System.currentTimeMillis(), ""));
        for (String model : models) {
            addModel(id, model, ModelType.CHAT);
        }
        return id;
    }

    /** Adds an enabled model of the given type to a provider. */
    public void addModel(long providerId, String model, ModelType type) {
        database.dao(ProviderModelDao.class).insert(new NewProviderModel(providerId, model, "", true, 1L, type, ModelPrices.NONE, ProviderModel.DEFAULT_MAX_OUTPUT_TOKENS));
    }

    /** A POST of a JSON body to a proxy path with a Bearer key (none when null). */
    public Request post(String path, String key, String json) {
        Request.Builder request = new Request.Builder().url(url(path)).post(RequestBody.create(json, JSON));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return request.build();
    }

    /** A POST of a JSON body to a proxy path with headers given as name, value, name, value … */
    public Request postWithHeaders(String path, String json, String... headers) {
        Request.Builder request = new Request.Builder().url(url(path)).post(RequestBody.create(json, JSON));
        for (int index = 0; index < headers.length; index += 2) {
            request.header(headers[index], headers[index + 1]);
        }
        return request.build();
    }

    public Response execute(Request request) throws IOException {
        return client.newCall(request).execute();
    }

    public List<Usage> usageRows() {
        return database.dao(UsageDao.class).listAll();
    }

    /** Polls the usage table until {@code count} rows are there (they are written off the request path). */
    public List<Usage> awaitUsageRows(int count) {
        return awaitUsageRows(rows -> rows.size() >= count);
    }

    /**
     * The usage rows of every request answered so far, for asserting what was not recorded: a request to a mock
     * provider added for the purpose is sent now, and once its row is there every earlier row is too (rows are written
     * in the order they were queued). The barrier's own row is left out.
     */
    public List<Usage> usageRowsBeforeABarrier() throws IOException {
        addProvider("Barrier", ProviderKind.MOCK, "mock://local?delay_ms=0", "barrier-key", "barrier-model");
        String barrierId;
        try (Response response = execute(post("/v1/chat/completions", "barrier-key",
                "{\"model\":\"barrier-model\",\"messages\":[{\"role\":\"user\",\"content\":\"barrier\"}]}"))) {
            barrierId = response.header(RequestIds.HEADER);
        }
        List<Usage> rows = awaitUsageRows(found -> found.stream().anyMatch(row -> row.requestId().equals(barrierId)));
        assertThat(rows).extracting(Usage::requestId).contains(barrierId);
        return rows.stream().filter(row -> !row.requestId().equals(barrierId)).toList();
    }

    /**
     * Polls the stored messages of a conversation until it has {@code count} (they are written off the request path);
     * what is there after 10 s otherwise.
     */
    public List<ConversationMessage> awaitStoredMessages(String conversationId, int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<ConversationMessage> messages = storedMessages(conversationId);
        while (messages.size() < count && System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL_INTERVAL_NANOS);  // a poll interval, not a wait for an outcome
            messages = storedMessages(conversationId);
        }
        return messages;
    }

    /** Every stored message of a conversation, in order. */
    public List<ConversationMessage> storedMessages(String conversationId) {
        return database.dao(ConversationDao.class).listMessagesAfter(conversationId, 0, Integer.MAX_VALUE);
    }

    public List<Usage> awaitUsageRows(Predicate<List<Usage>> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<Usage> rows = usageRows();
        while (!condition.test(rows) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL_INTERVAL_NANOS);  // a poll interval, not a wait for an outcome
            rows = usageRows();
        }
        return rows;
    }

    @Override
    public void close() {
        app.close(Duration.ofSeconds(5));
        upstreamHttp.dispatcher().executorService().shutdown();
        upstreamHttp.connectionPool().evictAll();
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
