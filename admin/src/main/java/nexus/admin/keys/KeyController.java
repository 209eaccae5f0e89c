package nexus.admin.keys;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import nexus.admin.provider.JsonFields;
import nexus.admin.provider.PathIds;
import nexus.shared.db.Database;
import nexus.shared.error.ApiError;

/** HTTP edge of {@code /keys}: reads the path and body, calls the services, picks the status. Thread-safe. */
public final class KeyController {

    private static final String ID = "id";

    private final KeyService keys;
    private final TopupService topups;
    private final ObjectMapper mapper;

    public KeyController(Database database, Clock clock, String currency, ObjectMapper mapper) {
        this.keys = new KeyService(database, clock, currency);
        this.topups = new TopupService(database, clock, currency);
        this.mapper = mapper;
    }

    public void list(Context ctx) {
        ctx.json(keys.list());
    }

    public void get(Context ctx) {
        ctx.json(keys.get(PathIds.positive(ctx, ID)));
    }

    public void create(Context ctx) {
        ctx.status(HttpStatus.CREATED).json(keys.create(KeyRequest.parse(mapper, ctx.bodyAsBytes())));
    }

    public void update(Context ctx) {
        long id = PathIds.positive(ctx, ID);
        ctx.json(keys.update(id, KeyRequest.parse(mapper, ctx.bodyAsBytes())));
    }

    /** {@code ?delete_conversations=true} deletes the key's conversations with it. */
    public void revoke(Context ctx) {
        String deleteConversations = ctx.queryParam("delete_conversations");
        if (deleteConversations != null && !deleteConversations.equals("true") && !deleteConversations.equals("false")) {
            throw ApiError.invalidRequest("'delete_conversations' must be true or false.", "delete_conversations");
        }
        keys.revoke(PathIds.positive(ctx, ID), "true".equals(deleteConversations));
        ctx.status(HttpStatus.NO_CONTENT);
    }

    public void rotate(Context ctx) {
        ctx.json(keys.rotate(PathIds.positive(ctx, ID)));
    }

    /** {@code {"monthly_spend_cap_usd": "100.00"}} sets the cap, {@code {"clear": true}} removes it. */
    public void spendCap(Context ctx) {
        long id = PathIds.positive(ctx, ID);
        JsonFields fields = JsonFields.parse(mapper, ctx.bodyAsBytes(), Set.of("monthly_spend_cap_usd", "clear"));
        if (cleared(fields, "monthly_spend_cap_usd")) {
            ctx.json(keys.spendCap(id, null));
            return;
        }
        BigDecimal cap = fields.money("monthly_spend_cap_usd");
        if (cap == null) {
            throw ApiError.invalidRequest("Send {\"monthly_spend_cap_usd\": \"100.00\"} or {\"clear\": true}.",
                    "monthly_spend_cap_usd");
        }
        ctx.json(keys.spendCap(id, cap));
    }

    /** {@code {"url": "https://…"}} sets the webhook and answers its signing secret once; {"clear": true} removes it. */
    public void alertWebhook(Context ctx) {
        long id = PathIds.positive(ctx, ID);
        JsonFields fields = JsonFields.parse(mapper, ctx.bodyAsBytes(), Set.of("url", "clear"));
        if (cleared(fields, "url")) {
            ctx.json(keys.alertWebhook(id, null));
            return;
        }
        String url = fields.text("url");
        if (url == null) {
            throw ApiError.invalidRequest("Send {\"url\": \"https://…\"} or {\"clear\": true}.", "url");
        }
        ctx.json(keys.alertWebhook(id, url));
    }

    public void topUp(Context ctx) {
        var result = topups.topUp(PathIds.positive(ctx, ID), TopupRequest.parse(mapper, ctx.bodyAsBytes()));
        ctx.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK).json(result);
    }

    public void topups(Context ctx) {
        ctx.json(topups.list(PathIds.positive(ctx, ID)));
    }

    /** True for {@code {"clear": true}} alone; {@code clear} with the value, or {@code false}, is a 400. */
    private static boolean cleared(JsonFields fields, String valueField) {
        Boolean clear = fields.bool("clear");
        if (clear == null) {
            return false;
        }
        if (!clear || fields.has(valueField)) {
            throw ApiError.invalidRequest("'clear' must be true and sent alone.", "clear");
        }
        return true;
    }
}
