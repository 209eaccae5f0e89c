package nexus.admin.alerts;

import io.javalin.http.Context;

import nexus.admin.provider.PathIds;

/** HTTP edge of {@code GET /keys/{id}/alerts}: a key's alert webhook deliveries, newest first. Thread-safe. */
public final class AlertController {

    private static final String KEY_ID = "id";

    private final AlertService service;

    public AlertController(AlertService service) {
        this.service = service;
    }

    public void list(Context ctx) {
        ctx.json(service.list(PathIds.positive(ctx, KEY_ID)));
    }
}
