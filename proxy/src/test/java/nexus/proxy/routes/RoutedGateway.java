package nexus.proxy.routes;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Request;
import okhttp3.Response;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import nexus.proxy.NoDelayServerSockets;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.ApiKey;
import nexus.shared.db.ApiKeyDao;
import nexus.shared.db.ModelPrices;
import nexus.shared.db.ModelType;
import nexus.shared.db.NewProviderModel;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.ProviderModel;
import nexus.shared.db.ProviderModelDao;
import nexus.shared.db.Route;
import nexus.shared.db.RouteDao;
import nexus.shared.db.RouteTarget;
import nexus.shared.secret.KeyHash;

/**
 * Test fixture for a {@code @RegisterExtension} field: a proxy with a fixed routing seed, to which a test adds
 * providers at MockWebServers of their own, routes (as the admin stores them) and issued keys.
 */
final class RoutedGateway implements BeforeEachCallback, AfterEachCallback {

    static final long SEED = 42;
    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    private final List<MockWebServer> upstreams = new ArrayList<>();
    private Path dir;
    private ProxyServer proxy;

    /** One target of a route being added: a provider's model, and its weight. */
    record To(long providerId, String model, int weight) {
        static To of(long providerId, String model) {
            return new To(providerId, model, 1);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("nexus-routes-test");
        proxy = ProxyServer.start(NexusConfig.forTests(dir).withRoutingSeed(SEED));
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            proxy.close();
        } finally {
            for (MockWebServer upstream : upstreams) {
                upstream.close();
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    ProxyServer proxy() {
        return proxy;
    }

    /** A started upstream that answers what the test enqueues, each answer sent at once. */
    MockWebServer upstream() throws IOException {
        MockWebServer upstream = new MockWebServer();
        upstream.setServerSocketFactory(new NoDelayServerSockets());
        upstream.start();
        upstreams.add(upstream);
        return upstream;
    }

    /** A started upstream that answers every request with a completion, after {@code delayMillis}. */
    MockWebServer alwaysAnswering(long delayMillis) throws IOException {
        MockWebServer upstream = upstream();
        upstream.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return OpenAiReplies.json(OpenAiReplies.completion("m", "hello", 3, 1)).newBuilder()
                        .headersDelay(delayMillis, TimeUnit.MILLISECONDS).build();
            }
        });
        return upstream;
    }

    /** An openai provider at that upstream, carrying the personalized key, in that region; its id. */
    long provider(String name, MockWebServer upstream, String personalizedKey, String region) {
        long id = proxy.addProvider(name, ProviderKind.OPENAI, upstream.url("/v1").toString(), personalizedKey);
        try (Handle handle = proxy.database().openHandle()) {
            handle.execute("UPDATE provider SET region = ? WHERE id = ?", region, id);
        }
        return id;
    }

    /** An enabled chat model of a provider, priced per million input and output tokens (null: unpriced). */
    void model(long providerId, String model, String inputPrice, String outputPrice) {
        model(providerId, model, ModelType.CHAT, inputPrice == null ? ModelPrices.NONE : new ModelPrices(
                new BigDecimal(inputPrice), new BigDecimal(outputPrice), null, null, null, null, null));
    }

    /** An enabled model of a provider, of that type and at those prices. */
    void model(long providerId, String model, ModelType type, ModelPrices prices) {
        ProviderModelDao models = proxy.database().dao(ProviderModelDao.class);
        long id = models.insert(new NewProviderModel(providerId, model, "", true, 1L, type, prices,
                ProviderModel.DEFAULT_MAX_OUTPUT_TOKENS));
        models.updatePrices(id, prices);
    }

    /** An unpriced enabled chat model of a provider. */
    void model(long providerId, String model) {
        model(providerId, model, ModelType.CHAT, ModelPrices.NONE);
    }

    /** An enabled route of that type, strategy and attempts (null: the default), with its targets in order. */
    long route(String name, ModelType type, String strategy, Integer maxAttempts, To... targets) {
        long now = System.currentTimeMillis();
        return route(new Route(0, name, type, strategy, "", true, maxAttempts, null, null, null, null, null, now, now),
                targets);
    }

    /** A route as that row says (its id is assigned), with its targets in order. */
    long route(Route route, To... targets) {
        RouteDao routes = proxy.database().dao(RouteDao.class);
        long id = routes.insert(route);
        for (int position = 0; position < targets.length; position++) {
            routes.insertTarget(new RouteTarget(id, position, targets[position].providerId(),
                    targets[position].model(), targets[position].weight()));
        }
        return id;
    }

    /** An enabled chat route of that strategy with the default policy. */
    long route(String name, String strategy, To... targets) {
        return route(name, ModelType.CHAT, strategy, null, targets);
    }

    /** Issues a key limited to {@code models} (empty: all), under a region policy. */
    void issue(String key, String models, String regionPolicy) {
        proxy.database().dao(ApiKeyDao.class).insert(new ApiKey(0, "test", KeyHash.of(key), key.substring(0, 10)
                + "…", true, models, null, null, null, false, null, "", "", null, 1L, 1L, regionPolicy));
    }

    /** Posts a non-streamed chat request for that model with that key; the caller closes the response. */
    Response chat(String key, String model) throws IOException {
        return proxy.execute(proxy.post("/v1/chat/completions", key, CHAT.formatted(model)));
    }

    /** A GET with a Bearer key; the caller closes the response. */
    Response get(String path, String key) throws IOException {
        return proxy.execute(new Request.Builder().url(proxy.url(path)).header("Authorization", "Bearer " + key)
                .build());
    }
}
