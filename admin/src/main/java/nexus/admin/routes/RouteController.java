package nexus.admin.routes;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import nexus.admin.provider.PathIds;
import nexus.shared.db.Database;

/** HTTP edge of {@code /routes}: reads the path and body, calls the services, picks the status. Thread-safe. */
public final class RouteController {

    private static final String ID = "id";

    private final RouteService routes;
    private final LeaderboardService leaderboards;
    private final ObjectMapper mapper;

    public RouteController(Database database, Clock clock, ObjectMapper mapper) {
        this.routes = new RouteService(database, clock);
        this.leaderboards = new LeaderboardService(database, clock);
        this.mapper = mapper;
    }

    public void list(Context ctx) {
        ctx.json(routes.list());
    }

    public void get(Context ctx) {
        ctx.json(routes.get(PathIds.positive(ctx, ID)));
    }

    public void create(Context ctx) {
        ctx.status(HttpStatus.CREATED).json(routes.create(RouteRequest.parse(mapper, ctx.bodyAsBytes())));
    }

    public void update(Context ctx) {
        long id = PathIds.positive(ctx, ID);
        ctx.json(routes.update(id, RouteRequest.parse(mapper, ctx.bodyAsBytes())));
    }

    public void leaderboard(Context ctx) {
        ctx.json(leaderboards.of(PathIds.positive(ctx, ID)));
    }

    public void delete(Context ctx) {
        routes.delete(PathIds.positive(ctx, ID));
        ctx.status(HttpStatus.NO_CONTENT);
    }
}
