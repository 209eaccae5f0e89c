package nexus.admin.routes;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Handle;

import nexus.shared.db.Database;
import nexus.shared.db.ModelType;
import nexus.shared.db.Provider;
import nexus.shared.db.Route;
import nexus.shared.db.RouteDao;
import nexus.shared.db.RouteStrategy;
import nexus.shared.db.RouteTarget;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;

/** Lists, creates, changes and deletes routes and their targets; knows nothing of HTTP. Thread-safe. */
final class RouteService {

    private final Database database;
    private final Clock clock;

    RouteService(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    List<RouteView> list() {
        return database.inReadTransaction(handle -> handle.attach(RouteDao.class).listAll().stream()
                .map(route -> view(handle, route)).toList());
    }

    RouteView get(long id) {
        return database.inReadTransaction(handle -> view(handle, find(handle, id)));
    }

    RouteView create(RouteRequest request) {
        if (request.name() == null) {
            throw ApiError.invalidRequest("'name' is required: the model name clients send for this route.", "name");
        }
        if (request.targets() == null) {
            throw ApiError.invalidRequest("'targets' is required: a list of {provider_id, model_name, weight?}.",
                    "targets");
        }
        HealthPolicy health = request.health() == null ? HealthPolicy.DEFAULTS : request.health();
        long now = clock.millis();
        Route route = new Route(0, request.name(), request.type() == null ? ModelType.CHAT : request.type(),
                (request.strategy() == null ? RouteStrategy.PRIORITY : request.strategy()).wireName(),
                request.description() == null ? "" : request.description(),
                request.enabled() == null || request.enabled(), request.maxAttempts(), request.deadlineMs(),
                request.firstTokenTimeoutMs(), health.failures(), health.windowMs(), health.cooldownMs(), now, now);
        return database.inTransaction(handle -> {
            checkName(handle, route.name(), null);
            new RouteTargets(handle).check(request.targets().targets(), route.type());
            long id = handle.attach(RouteDao.class).insert(route);
            insertTargets(handle, id, request.targets());
            return view(handle, find(handle, id));
        });
    }

    /** Applies the fields the request carries; {@code targets}, when sent, replaces the whole list. */
    RouteView update(long id, RouteRequest request) {
        return database.inTransaction(handle -> {
            RouteDao routes = handle.attach(RouteDao.class);
            Route current = find(handle, id);
            HealthPolicy health = !request.sent().contains("health") ? HealthPolicy.of(current)
                    : request.health() == null ? HealthPolicy.DEFAULTS : request.health();
            Route changed = new Route(id, request.name() == null ? current.name() : request.name(),
                    request.type() == null ? current.type() : request.type(),
                    request.strategy() == null ? current.strategy() : request.strategy().wireName(),
                    request.description() == null ? current.description() : request.description(),
                    request.enabled() == null ? current.enabled() : request.enabled(),
                    pick(request, "max_attempts", request.maxAttempts(), current.maxAttempts()),
                    pick(request, "deadline_ms", request.deadlineMs(), current.deadlineMs()),
                    pick(request, "first_token_timeout_ms", request.firstTokenTimeoutMs(),
                            current.firstTokenTimeoutMs()),
                    health.failures(), health.windowMs(), health.cooldownMs(), current.createdAtMillis(),
                    clock.millis());
            checkName(handle, changed.name(), id);
            if (request.targets() != null) {
                new RouteTargets(handle).check(request.targets().targets(), changed.type());
            } else if (changed.type() != current.type()) {
                new RouteTargets(handle).check(stored(routes.listTargets(id)), changed.type());
            }
            routes.update(changed);
            if (request.targets() != null) {
                routes.deleteTargets(id);
                insertTargets(handle, id, request.targets());
            }
            return view(handle, changed);
        });
    }

    /** Deletes the route and its targets. */
    void delete(long id) {
        database.inTransaction(handle -> {
            if (!handle.attach(RouteDao.class).deleteById(id)) {
                throw notFound(id);
            }
            return null;
        });
    }

    /** A route's name may be neither another route's nor a model name any provider serves (a key could open it). */
    private static void checkName(Handle handle, String name, Long selfId) {
        RouteDao routes = handle.attach(RouteDao.class);
        routes.findByName(name).filter(other -> selfId == null || other.id() != selfId).ifPresent(other -> {
            throw ApiError.conflict("Route " + other.id() + " is already named '" + name + "'.", "name");
        });
        routes.providerWithModel(name).ifPresent(provider -> {
            throw ApiError.conflict("'" + name + "' is a model name of provider " + provider + "; a route must have a"
                    + " name no model has.", "name");
        });
    }

    private static void insertTargets(Handle handle, long routeId, TargetsRequest targets) {
        RouteDao routes = handle.attach(RouteDao.class);
        for (int i = 0; i < targets.targets().size(); i++) {
            TargetsRequest.Target target = targets.targets().get(i);
            routes.insertTarget(new RouteTarget(routeId, i, target.providerId(), target.modelName(), target.weight()));
        }
    }

    private static List<TargetsRequest.Target> stored(List<RouteTarget> targets) {
        return targets.stream()
                .map(target -> new TargetsRequest.Target(target.providerId(), target.modelName(), target.weight()))
                .toList();
    }

    private static <T> T pick(RouteRequest request, String field, T sent, T current) {
        return request.sent().contains(field) ? sent : current;
    }

    static RouteView view(Handle handle, Route route) {
        RouteTargets check = new RouteTargets(handle);
        List<RouteView.TargetView> targets = new ArrayList<>();
        for (RouteTarget target : handle.attach(RouteDao.class).listTargets(route.id())) {
            Optional<Provider> provider = check.provider(target.providerId());
            targets.add(new RouteView.TargetView(target.providerId(), provider.map(Provider::name).orElse(null),
                    target.modelName(), target.weight(), check.usable(provider, target.modelName(), route.type())));
        }
        return RouteView.of(route, targets);
    }

    static Route find(Handle handle, long id) {
        return handle.attach(RouteDao.class).findById(id).orElseThrow(() -> notFound(id));
    }

    static ApiError notFound(long id) {
        return ApiError.of(ErrorCode.NOT_FOUND, "id", "Route " + id + " not found.");
    }
}
