package nexus.admin;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;

import nexus.admin.alerts.AlertController;
import nexus.admin.alerts.AlertService;
import nexus.admin.conversation.ConversationController;
import nexus.admin.conversation.ConversationService;
import nexus.admin.feedback.FeedbackController;
import nexus.admin.health.UpstreamHealthController;
import nexus.admin.keys.KeyController;
import nexus.admin.provider.ProviderController;
import nexus.admin.provider.ProviderModelController;
import nexus.admin.provider.ProviderModelService;
import nexus.admin.provider.ProviderService;
import nexus.admin.routes.RouteController;
import nexus.admin.stats.StatsController;
import nexus.admin.stats.StatsService;
import nexus.admin.stats.UsageReportService;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.Conversations;
import nexus.shared.db.Database;
import nexus.shared.http.JettyEdge;
import nexus.shared.json.Json;

/** The admin process's table of contents: every route it serves, its settings and its error wiring; no logic. */
public final class AdminApp {

    private AdminApp() {}

    /** An unstarted admin app on the given database; the caller starts and stops it. */
    public static Javalin create(NexusConfig config, Database database, Clock clock) {
        ObjectMapper mapper = Json.newMapper();
        var providers = new ProviderController(new ProviderService(database, clock), mapper);
        var models = new ProviderModelController(new ProviderModelService(database, clock, config.currency()), mapper);
        var stats = new StatsController(new StatsService(database, config.currency()),
                new UsageReportService(database, clock, config.currency()), mapper);
        var keys = new KeyController(database, clock, config.currency(), mapper);
        var conversations = new ConversationController(new ConversationService(new Conversations(database), mapper));
        var routes = new RouteController(database, clock, mapper);
        var feedback = new FeedbackController(database, clock, mapper);
        var token = new AdminToken(config.adminToken());

        return Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.concurrency.useVirtualThreads = true;
            javalin.http.maxRequestSize = config.maxRequestBytes();
            javalin.http.prefer405over404 = true;
            javalin.jetty.addConnector((server, http) -> JettyEdge.connector(server, http, javalin.jetty.host,
                    javalin.jetty.port, config.clientIdleTimeout()));  // host and port as given to start()
            javalin.jsonMapper(new JavalinJackson(mapper, false));
            javalin.requestLogger.http(new AccessLog());
            AdminErrors.install(javalin, config, mapper);

            javalin.routes.before(new CrossSiteGuard(config)::check);
            javalin.routes.before(token::check);
            javalin.routes.get("/health", ctx -> ctx.json(Health.OK));

            javalin.routes.get("/providers", providers::list);
            javalin.routes.post("/providers", providers::create);
            javalin.routes.get("/providers/{provider_id}", providers::get);
            javalin.routes.put("/providers/{provider_id}", providers::update);
            javalin.routes.delete("/providers/{provider_id}", providers::delete);
            javalin.routes.get("/providers/{provider_id}/models", models::listByProvider);

            javalin.routes.post("/provider_models", models::create);
            javalin.routes.get("/provider_models/{model_id}", models::get);
            javalin.routes.put("/provider_models/{model_id}", models::update);
            javalin.routes.delete("/provider_models/{model_id}", models::delete);

            javalin.routes.get("/keys", keys::list);
            javalin.routes.post("/keys", keys::create);
            javalin.routes.get("/keys/{id}", keys::get);
            javalin.routes.patch("/keys/{id}", keys::update);
            javalin.routes.delete("/keys/{id}", keys::revoke);
            javalin.routes.post("/keys/{id}/rotate", keys::rotate);
            javalin.routes.patch("/keys/{id}/spend-cap", keys::spendCap);
            javalin.routes.patch("/keys/{id}/alert-webhook", keys::alertWebhook);
            javalin.routes.post("/keys/{id}/topups", keys::topUp);
            javalin.routes.get("/keys/{id}/topups", keys::topups);

            javalin.routes.get("/routes", routes::list);
            javalin.routes.post("/routes", routes::create);
            javalin.routes.get("/routes/{id}", routes::get);
            javalin.routes.patch("/routes/{id}", routes::update);
            javalin.routes.delete("/routes/{id}", routes::delete);
            javalin.routes.get("/routes/{id}/leaderboard", routes::leaderboard);

            javalin.routes.get("/feedback", feedback::list);
            javalin.routes.get("/feedback/summary", feedback::summary);
            javalin.routes.get("/health/upstreams", new UpstreamHealthController(database, mapper)::list);

            javalin.routes.get("/stats/total", stats::total);
            javalin.routes.get("/stats/conversation/{conversation_id}", stats::conversation);
            javalin.routes.get("/stats/usage", stats::usage);
            javalin.routes.get("/keys/{id}/usage", stats::keyUsage);
            javalin.routes.get("/keys/{id}/alerts", new AlertController(new AlertService(database))::list);

            javalin.routes.get("/conversations", conversations::list);
            javalin.routes.get("/conversations/{conversation_id}", conversations::get);
            javalin.routes.delete("/conversations/{conversation_id}", conversations::delete);
        });
    }

    /** The body of {@code GET /health}. */
    record Health(String status) {
        static final Health OK = new Health("ok");
    }
}
