package nexus.proxy;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.http.Context;
import io.javalin.http.Header;

import nexus.proxy.anthropic.AnthropicErrors;
import nexus.proxy.anthropic.MessagesHandler;
import nexus.proxy.routing.Caller;
import nexus.proxy.routing.Candidates;
import nexus.proxy.routing.Routes;
import nexus.proxy.routing.RoutingTable;
import nexus.proxy.routing.Target;
import nexus.shared.db.ModelPrices;
import nexus.shared.db.ModelType;
import nexus.shared.error.ApiError;
import nexus.shared.money.Money;

/**
 * GET /v1/models and GET /v1/models/{id}: the models the caller's key opens (of one type with {@code ?type=}), in
 * OpenAI's format, or in Anthropic's when the request carries {@code anthropic-version} as Anthropic's SDKs send it.
 * The key is read as on /v1/messages: {@code x-api-key} or {@code Authorization: Bearer}. Thread-safe.
 */
public final class ModelsHandler {

    private final RoutingTable routing;

    public ModelsHandler(RoutingTable routing) {
        this.routing = routing;
    }

    private String currency() {
        return routing.billing().currency();
    }

    /**
     * One entry of the list; {@code created} is when the provider (a route: the route) was added, in seconds;
     * {@code type} (not in OpenAI's format, ignored by its clients) says which endpoints serve the model; a route is
     * owned by {@code nexus} and shows the range of its targets' prices.
     */
    public record ModelEntry(String id, String object, long created, String ownedBy, String type,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Pricing pricing,
                             @JsonInclude(JsonInclude.Include.NON_NULL) PriceRange priceRange) {

        static ModelEntry of(Target target, String currency) {
            return new ModelEntry(target.model(), "model", target.provider().createdAtMillis() / 1000,
                    target.provider().name(), target.type().wireName(), Pricing.of(target.prices(), currency), null);
        }

        static ModelEntry of(Candidates route, String currency) {
            return new ModelEntry(route.route().name(), "model", route.route().createdAtMillis() / 1000, "nexus",
                    route.first().type().wireName(), null, PriceRange.of(route.targets(), currency));
        }
    }

    /** A model's prices as decimal strings (tokens per million), absent when it has none. */
    public record Pricing(String inputPrice, String outputPrice, String cachedInputPrice, String cacheWritePrice,
                          String imagePrice, String videoPricePerSecond, String requestPrice, String currency) {

        static Pricing of(ModelPrices prices, String currency) {
            return !prices.priced() ? null : new Pricing(Money.format(prices.inputPrice()),
                    Money.format(prices.outputPrice()), Money.format(prices.cachedInputPrice()),
                    Money.format(prices.cacheWritePrice()), Money.format(prices.imagePrice()),
                    Money.format(prices.videoPricePerSecond()), Money.format(prices.requestPrice()), currency);
        }
    }

    /** OpenAI's list envelope. */
    public record ModelList(String object, List<ModelEntry> data) {}

    /**
     * GET /v1/models: the models, then the routes; in Anthropic's shape only chat routes unless {@code ?type=} names
     * another type, since its clients call a listed model on /v1/messages and its entries cannot say their type.
     */
    public void list(Context ctx) {
        Routes routes = routing.current();
        Caller caller = caller(ctx, routes);
        ModelType type = type(ctx.queryParam("type"));
        List<Target> models = routes.models(caller, type);
        if (speaksAnthropic(ctx)) {
            ctx.json(AnthropicModels.page(models, routes.routes(caller, type == null ? ModelType.CHAT : type)));
        } else {
            List<ModelEntry> entries = new ArrayList<>();
            models.forEach(model -> entries.add(ModelEntry.of(model, currency())));
            routes.routes(caller, type).forEach(route -> entries.add(ModelEntry.of(route, currency())));
            ctx.json(new ModelList("list", entries));
        }
    }

    /** GET /v1/models/{id}: the route or model, or 404 model_not_found when the key opens none of that name. */
    public void retrieve(Context ctx) {
        Routes routes = routing.current();
        String id = ctx.pathParam("id");
        Caller caller = caller(ctx, routes);
        for (Candidates route : routes.routes(caller, null)) {
            if (route.route().name().equals(id)) {
                ctx.json(speaksAnthropic(ctx) ? AnthropicModels.info(route) : ModelEntry.of(route, currency()));
                return;
            }
        }
        Target model = routes.models(caller, null).stream()
                .filter(target -> target.model().equals(id))
                .findFirst()
                .orElseThrow(() -> ApiError.modelNotFound(id));
        ctx.json(speaksAnthropic(ctx) ? AnthropicModels.info(model) : ModelEntry.of(model, currency()));
    }

    private static Caller caller(Context ctx, Routes routes) {
        return routes.authenticate(MessagesHandler.apiKey(ctx.header(MessagesHandler.API_KEY_HEADER),
                ctx.header(Header.AUTHORIZATION)));
    }

    private static boolean speaksAnthropic(Context ctx) {
        return ctx.header(AnthropicErrors.VERSION_HEADER) != null;
    }

    /** The {@code ?type=} filter: null when absent; a type name, else 400. */
    private static ModelType type(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return ModelType.named(value);
    }
}
