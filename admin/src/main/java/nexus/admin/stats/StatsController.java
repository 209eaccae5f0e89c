package nexus.admin.stats;

import io.javalin.http.Context;

/** HTTP edge of {@code /stats}: reads the path, calls {@link StatsService}. Thread-safe. */
public final class StatsController {

    private final StatsService service;

    public StatsController(StatsService service) {
        this.service = service;
    }

    public void total(Context ctx) {
        ctx.json(service.total());
    }

    public void conversation(Context ctx) {
        ctx.json(service.conversation(ctx.pathParam("conversation_id")));
    }
}
