package nexus.proxy;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Handler;
import io.javalin.json.JavalinJackson;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.alerts.SpendAlerts;
import nexus.proxy.anthropic.CountTokensHandler;
import nexus.proxy.anthropic.MessagesHandler;
import nexus.proxy.anthropic.MessagesRelay;
import nexus.proxy.billing.Accounts;
import nexus.proxy.billing.BalanceHandler;
import nexus.proxy.billing.Billing;
import nexus.proxy.chat.ChatCompletionsHandler;
import nexus.proxy.chat.ChatFailover;
import nexus.proxy.chat.ChatService;
import nexus.proxy.conversations.ConversationApi;
import nexus.proxy.conversations.ConversationItems;
import nexus.proxy.endpoints.Endpoint;
import nexus.proxy.endpoints.EndpointHandler;
import nexus.proxy.endpoints.EndpointService;
import nexus.proxy.feedback.FeedbackHandler;
import nexus.proxy.feedback.FeedbackService;
import nexus.proxy.limits.RateLimits;
import nexus.proxy.messages.LegacyFiles;
import nexus.proxy.messages.MessageStore;
import nexus.proxy.responses.ResponseStore;
import nexus.proxy.responses.ResponsesHandler;
import nexus.proxy.responses.ResponsesRelay;
import nexus.proxy.responses.StoredResponsesHandler;
import nexus.proxy.health.HealthPublisher;
import nexus.proxy.health.TargetHealth;
import nexus.proxy.routing.RoutingTable;
import nexus.proxy.routing.TargetOrder;
import nexus.proxy.routing.TargetOrders;
import nexus.proxy.routing.bandit.BanditOrder;
import nexus.proxy.routing.bandit.BanditStats;
import nexus.proxy.upstream.UpstreamAdapters;
import nexus.proxy.upstream.UpstreamClients;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.proxy.usage.OwnUsageHandler;
import nexus.proxy.usage.TokenCounter;
import nexus.proxy.usage.UsageRecorder;
import nexus.proxy.video.SeedVideosHandler;
import nexus.proxy.video.VideoService;
import nexus.proxy.video.VideosHandler;
import nexus.proxy.ws.ChatSocket;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.Conversations;
import nexus.shared.db.Database;
import nexus.shared.db.RouteStrategy;
import nexus.shared.http.JettyEdge;
import nexus.shared.json.Json;

/**
 * The proxy process's table of contents: every route it serves, its settings and wiring, and an orderly stop that
 * lets running streams finish and writes every pending usage row and message. Start once, close once.
 */
public final class ProxyApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProxyApp.class);
    /** How long a stop waits for running requests before it cuts them. */
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);
    /** Each open response holds one (Jetty's default is 32 KiB); an SSE event is flushed long before 8 KiB. */
    static final int OUTPUT_BUFFER_BYTES = 8 * 1024;

    private final Javalin javalin;
    private final RoutingTable routing;
    private final UsageRecorder usage;
    private final SpendAlerts alerts;
    private final MessageStore messages;
    private final UpstreamWatchdog watchdog;
    private final HealthPublisher healthPublisher;
    private final BanditStats bandit;
    private final InFlight inFlight = new InFlight();

    private ProxyApp(NexusConfig config, Database database, OkHttpClient upstreamHttp, Clock clock) {
        ObjectMapper mapper = Json.newMapper();
        TokenCounter tokens = new TokenCounter();
        this.alerts = new SpendAlerts(database, upstreamHttp, clock, config.currency());
        Accounts accounts = Accounts.load(database, clock, alerts);
        TargetHealth health = TargetHealth.withDefaults();
        this.routing = new RoutingTable(database, accounts,
                new Billing(accounts, new RateLimits(), tokens, clock, config.currency()), health);
        this.healthPublisher = new HealthPublisher(database, health, clock, mapper, routing::current);
        var conversationStore = new Conversations(database);
        this.usage = new UsageRecorder(database, routing::current);
        this.messages = new MessageStore(conversationStore, mapper, clock, config.storeMessages(),
                new LegacyFiles(config.messagesDir(), database, mapper));
        this.watchdog = new UpstreamWatchdog(config.upstreamReadTimeout());
        var clients = new UpstreamClients(upstreamHttp);
        var adapters = new UpstreamAdapters(clients, watchdog, mapper, tokens, clock);
        ChatService chat = new ChatService(adapters, mapper, tokens, usage, messages);
        this.bandit = BanditStats.load(database, BanditStats.DEFAULT_HALF_LIFE, clock::millis);
        RandomGenerator random = config.routingRandom();
        Map<RouteStrategy, TargetOrder> orders = TargetOrders.standard(random, new BanditOrder(bandit, random));
        ChatFailover failover = ChatFailover.withDefaults(config, orders, bandit, watchdog);
        var budget = new BodyBudget(config.maxBufferedBytes(), config.maxRequestBytes());
        var bodies = new BodyReader(config.maxRequestBytes(), budget);
        var clientWatch = new ClientWatch(watchdog);
        UnaryOperator<Handler> guard = handler -> inFlight.guard(clientWatch.watching(bodies.releasing(handler)));
        var completions = guard.apply(new ChatCompletionsHandler(routing, chat, mapper, clock, bodies, failover));
        var anthropicMessages = guard.apply(new MessagesHandler(routing, chat,
                new MessagesRelay(clients, watchdog, mapper, tokens, usage, messages), mapper, clock, bodies,
                failover));
        var countTokens = guard.apply(new CountTokensHandler(routing, clients, watchdog, mapper, tokens, clock, bodies));
        var responseStore = new ResponseStore(database, mapper);
        var conversationItems = new ConversationItems(conversationStore, mapper, clock);
        var responses = guard.apply(new ResponsesHandler(routing, chat, new ResponsesRelay(clients, watchdog,
                responseStore, conversationItems, mapper, tokens, usage), responseStore, conversationItems, mapper,
                clock, bodies, failover));
        var storedResponses = new StoredResponsesHandler(routing, responseStore);
        var models = new ModelsHandler(routing);
        var balance = new BalanceHandler(routing);
        var ownUsage = new OwnUsageHandler(routing, database, clock, config.currency());
        var endpoints = new EndpointService(adapters, mapper, tokens, usage);
        Function<Endpoint, Handler> handler = endpoint -> guard.apply(
                new EndpointHandler(endpoint, routing, endpoints, mapper, clock, bodies, failover));
        var embeddings = handler.apply(Endpoint.EMBEDDINGS);
        var rerank = handler.apply(Endpoint.RERANK);
        var images = handler.apply(Endpoint.IMAGES_GENERATIONS);
        var legacyCompletions = handler.apply(Endpoint.COMPLETIONS);
        var chatSocket = new ChatSocket(routing, chat, inFlight, watchdog, mapper, clock, config, budget,
                failover);
        var videoService = new VideoService(clients, watchdog, database, usage, mapper, clock);
        var videos = new VideosHandler(routing, videoService, mapper, clock, bodies);
        var seedVideos = new SeedVideosHandler(videos, videoService, mapper);
        var feedback = guard.apply(new FeedbackHandler(routing, new FeedbackService(database, usage, clock, mapper,
                bandit), mapper, bodies));
        var conversationApi = ConversationApi.create(routing, bodies, conversationStore, mapper, clock);
        var conversations = conversationApi.conversations();
        var items = conversationApi.items();

        this.javalin = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.concurrency.useVirtualThreads = true;
            javalin.jetty.threadPool = JettyThreads.create();
            javalin.http.maxRequestSize = config.maxRequestBytes();
            javalin.http.compressionStrategy = CompressionStrategy.NONE;  // never buffer a stream to compress it
            javalin.jetty.modifyHttpConfiguration(http -> http.setOutputBufferSize(OUTPUT_BUFFER_BYTES));
            javalin.jetty.addConnector((server, http) -> JettyEdge.connector(server, http, javalin.jetty.host,
                    javalin.jetty.port, config.clientIdleTimeout()));  // host and port as given to start()
            javalin.http.prefer405over404 = true;
            javalin.jsonMapper(new JavalinJackson(mapper, false));
            ProxyErrors.install(javalin, config.maxRequestBytes(), mapper);

            javalin.routes.get("/health", ctx -> ctx.json(new Health("ok")));
            javalin.routes.post("/v1/chat/completions", completions);
            javalin.routes.post("/chat/completions", completions);
            javalin.routes.post("/api/proxy/chat/completions", completions);
            javalin.routes.post("/v1/messages", anthropicMessages);
            javalin.routes.post("/v1/responses", responses);
            javalin.routes.post("/responses", responses);
            javalin.routes.get("/v1/responses/{id}", guard.apply(storedResponses::retrieve));
            javalin.routes.delete("/v1/responses/{id}", guard.apply(storedResponses::delete));
            javalin.routes.get("/responses/{id}", guard.apply(storedResponses::retrieve));
            javalin.routes.delete("/responses/{id}", guard.apply(storedResponses::delete));
            javalin.routes.get("/v1/responses/{id}/input_items", guard.apply(storedResponses::inputItems));
            javalin.routes.get("/responses/{id}/input_items", guard.apply(storedResponses::inputItems));
            javalin.routes.post("/v1/messages/count_tokens", countTokens);
            javalin.routes.get("/v1/models", models::list);
            javalin.routes.get("/models", models::list);
            javalin.routes.get("/api/proxy/models", models::list);
            javalin.routes.get("/v1/models/<id>", models::retrieve);  // <id>: a model name may hold slashes
            javalin.routes.get("/models/<id>", models::retrieve);
            javalin.routes.get("/api/proxy/models/<id>", models::retrieve);
            javalin.routes.get("/v1/balance", balance);
            javalin.routes.get("/balance", balance);
            javalin.routes.get("/api/proxy/balance", balance);
            javalin.routes.get("/v1/usage", ownUsage);
            javalin.routes.get("/usage", ownUsage);
            javalin.routes.get("/api/proxy/usage", ownUsage);
            javalin.routes.post("/v1/embeddings", embeddings);
            javalin.routes.post("/embeddings", embeddings);
            javalin.routes.post("/api/proxy/embeddings", embeddings);
            javalin.routes.post("/v1/rerank", rerank);
            javalin.routes.post("/rerank", rerank);
            javalin.routes.post("/api/proxy/v1/rerank", rerank);
            javalin.routes.post("/v2/rerank", rerank);  // where Cohere's v2 clients and vLLM send it
            javalin.routes.post("/v1/images/generations", images);
            javalin.routes.post("/images/generations", images);
            javalin.routes.post("/api/proxy/images/generate", images);
            javalin.routes.post("/v1/completions", legacyCompletions);
            javalin.routes.post("/completions", legacyCompletions);
            javalin.routes.post("/v1/feedback", feedback);
            javalin.routes.post("/feedback", feedback);
            javalin.jetty.modifyServletContextHandler(chatSocket::install);  // WebSocket /ws/chat, ahead of the routes
            javalin.routes.post("/v1/videos", guard.apply(videos::create));
            javalin.routes.get("/v1/videos/{id}", guard.apply(videos::retrieve));
            javalin.routes.get("/v1/videos/{id}/content", guard.apply(videos::content));
            javalin.routes.post("/api/proxy/video/generate", guard.apply(seedVideos::generate));
            javalin.routes.get("/api/proxy/video/tasks/{task_id}", guard.apply(seedVideos::task));
            for (String prefix : new String[] {"/v1", ""}) {
                String one = prefix + "/conversations/{conversation_id}";
                javalin.routes.post(prefix + "/conversations", guard.apply(conversations::create));
                javalin.routes.get(prefix + "/conversations", guard.apply(conversations::list));
                javalin.routes.get(one, guard.apply(conversations::retrieve));
                javalin.routes.patch(one, guard.apply(conversations::update));
                javalin.routes.post(one, guard.apply(conversations::update));  // OpenAI's update
                javalin.routes.delete(one, guard.apply(conversations::delete));
                javalin.routes.post(one + "/messages", guard.apply(items::appendMessage));
                javalin.routes.post(one + "/items", guard.apply(items::createItems));
                javalin.routes.get(one + "/items", guard.apply(items::listItems));
                javalin.routes.get(one + "/items/{item_id}", guard.apply(items::retrieveItem));
                javalin.routes.delete(one + "/items/{item_id}", guard.apply(items::deleteItem));
            }
        });
    }

    /** A proxy on the given database, not yet listening. */
    public static ProxyApp create(NexusConfig config, Database database, OkHttpClient upstreamHttp, Clock clock) {
        return new ProxyApp(config, database, upstreamHttp, clock);
    }

    public ProxyApp start(String host, int port) {
        javalin.start(host, port);
        healthPublisher.start();
        return this;
    }

    /** What the learning router knows of each target. */
    public BanditStats bandit() {
        return bandit;
    }

    public int port() {
        return javalin.port();
    }

    /** Refuses new requests, lets running ones finish (bounded), stops listening, then writes what is pending. */
    public void close(Duration drainTimeout) {
        int cut = inFlight.drain(drainTimeout);
        if (cut > 0) {
            log.warn("Stopping with {} requests still running after {}", cut, drainTimeout);
        }
        javalin.stop();
        usage.close();
        healthPublisher.close();
        alerts.close();
        messages.close();
        routing.close();
        watchdog.close();
    }

    @Override
    public void close() {
        close(DRAIN_TIMEOUT);
    }

    /** The body of {@code GET /health}. */
    record Health(String status) {}
}
