package nexus.admin;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.validation.ValidationException;
import org.eclipse.jetty.server.Request;
import nexus.shared.config.NexusConfig;
import nexus.shared.error.ApiError;
import nexus.shared.http.JettyEdge;

/** The only place the admin turns an exception into a response: always the OpenAI error envelope, never a trace. */
final class AdminErrors {

    private static final Logger log = LoggerFactory.getLogger(AdminErrors.class);

    private AdminErrors() {}

    /** Replaces every Javalin default error rendering, and Jetty's error pages, with the envelope. */
    static void install(JavalinConfig javalin, NexusConfig config, ObjectMapper mapper) {
        javalin.routes.exception(ApiError.class, (error, ctx) -> {
            log.debug("{} {} refused: {} {}", ctx.method(), ctx.path(), error.status(), error.code());
            render(ctx, error);
        });
        javalin.routes.exception(JacksonException.class, (error, ctx) ->
                render(ctx, ApiError.invalidRequest("The request body is not valid JSON.", null)));
        javalin.routes.exception(ValidationException.class, (error, ctx) -> {
            String field = error.getErrors().keySet().stream().findFirst().orElse(null);
            render(ctx, ApiError.invalidRequest("Invalid value for '" + field + "'.", field));
        });
        javalin.routes.exception(HttpResponseException.class, (error, ctx) -> render(ctx, ApiError.fromFrameworkStatus(
                error.getStatus(), ctx.method().name(), ctx.path(), config.maxRequestBytes(), error.getMessage())));
        javalin.routes.exception(IOException.class, (error, ctx) -> {  // reading the body: it broke off
            log.warn("The request body of {} {} could not be read: {}", ctx.method(), ctx.path(), error.toString());
            render(ctx, ApiError.unreadableBody(error));
        });
        javalin.routes.error(408, ctx -> {  // Javalin's bare answer when the body stopped arriving (an idle timeout)
            log.warn("The request body of {} {} did not arrive in time", ctx.method(), ctx.path());
            render(ctx, ApiError.requestTimeout());
        });
        javalin.routes.exception(Exception.class, (error, ctx) -> {
            String logId = Long.toHexString(ThreadLocalRandom.current().nextLong());
            log.error("Unhandled error {} on {} {}", logId, ctx.method(), ctx.path(), error);
            render(ctx, ApiError.internal(logId));
        });
        Request.Handler jettyPages = JettyEdge.errorPages(config.maxRequestBytes(), mapper,
                (path, error) -> error.toEnvelope());
        javalin.jetty.modifyServer(server -> server.setErrorHandler(jettyPages));
    }

    private static void render(Context ctx, ApiError error) {
        if (error.retryAfterSeconds() > 0) {
            ctx.header("Retry-After", Integer.toString(error.retryAfterSeconds()));
        }
        ctx.status(error.status()).json(error.toEnvelope());
    }
}
