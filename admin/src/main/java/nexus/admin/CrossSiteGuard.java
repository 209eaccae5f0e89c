package nexus.admin;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import io.javalin.http.Context;
import nexus.shared.config.NexusConfig;
import nexus.shared.error.ApiError;

/**
 * Refuses what a web page open in the developer's browser could make the browser send to the admin: a {@code Host}
 * the admin is not reached by (DNS rebinding), an {@code Origin} other than the admin's own or a cross-site fetch, and
 * a write whose body is not declared JSON (an HTML form, or a fetch that needs no preflight). {@code /health} stays
 * open. Immutable and thread-safe.
 */
final class CrossSiteGuard {

    private static final String OPEN_PATH = "/health";
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    /** Host names (and host:port pairs) the admin answers to, lower case. */
    private final Set<String> allowedHosts = new HashSet<>();

    CrossSiteGuard(NexusConfig config) {
        String bound = config.bindHost().toLowerCase(Locale.ROOT);
        allowedHosts.add(bound.contains(":") && !bound.startsWith("[") ? "[" + bound + "]" : bound);
        allowedHosts.add("localhost");
        config.allowedHosts().forEach(host -> allowedHosts.add(host.toLowerCase(Locale.ROOT)));
    }

    /** A before-handler: throws 403 or 415 for a request a browser was led into sending. */
    void check(Context ctx) {
        if (OPEN_PATH.equals(ctx.path())) {
            return;
        }
        String host = ctx.header("Host");
        if (host == null || !isAllowed(host.toLowerCase(Locale.ROOT))) {
            throw ApiError.permissionDenied("The admin API does not answer to Host '" + host + "'; add it to "
                    + "NEXUS_ALLOWED_HOSTS if that is how you reach it.");
        }
        String origin = ctx.header("Origin");
        if (origin != null && !isOwnOrigin(origin.toLowerCase(Locale.ROOT), host.toLowerCase(Locale.ROOT))) {
            throw ApiError.permissionDenied("The admin API does not accept requests from another site (Origin '"
                    + origin + "').");
        }
        if ("cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"))) {
            throw ApiError.permissionDenied("The admin API does not accept requests from another site.");
        }
        if (WRITES.contains(ctx.method().name()) && declaresOrCarriesBody(ctx) && !JsonMediaType.is(ctx.contentType())) {
            throw ApiError.unsupportedMediaType("The request body must be UTF-8 JSON, sent with 'Content-Type: "
                    + "application/json'.");
        }
    }

    private boolean isAllowed(String host) {
        if (allowedHosts.contains(host)) {
            return true;
        }
        int portAt = host.lastIndexOf(':');
        return portAt > host.lastIndexOf(']') && allowedHosts.contains(host.substring(0, portAt));
    }

    private static boolean isOwnOrigin(String origin, String host) {
        return origin.equals("http://" + host) || origin.equals("https://" + host);
    }

    /** A DELETE (or a POST) with neither a body nor a Content-Type is a plain command, such as curl sends. */
    private static boolean declaresOrCarriesBody(Context ctx) {
        return ctx.contentType() != null || ctx.contentLength() > 0 || ctx.header("Transfer-Encoding") != null;
    }
}
