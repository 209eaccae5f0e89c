package nexus.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.javalin.http.Context;
import io.javalin.http.RequestLogger;

/** One INFO line per admin request: method, path, status and milliseconds; never a header or a body. Stateless. */
final class AccessLog implements RequestLogger {

    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

    @Override
    public void handle(Context ctx, Float executionMillis) {
        log.info("{} {} {} {}ms", ctx.method(), ctx.path(), ctx.statusCode(), Math.round(executionMillis));
    }
}
