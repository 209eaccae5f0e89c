package nexus.admin;

import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JacksonException;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.validation.ValidationException;
import nexus.shared.config.NexusConfig;
import nexus.shared.error.ApiError;

/** The only place the admin turns an exception into a response: always the OpenAI error envelope, never a trace. */
final class AdminErrors {

    private static final Logger log = LoggerFactory.getLogger(AdminErrors.class);

    private AdminErrors() {}

    /** Replaces every Javalin default error rendering with the envelope. */
    static void install(JavalinConfig javalin, NexusConfig config) {
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
        javalin.routes.exception(Exception.class, (error, ctx) -> {
            String logId = Long.toHexString(ThreadLocalRandom.current().nextLong());
            log.error("Unhandled error {} on {} {}", logId, ctx.method(), ctx.path(), error);
            render(ctx, ApiError.internal(logId));
        });
    }

    private static void render(Context ctx, ApiError error) {
        if (error.retryAfterSeconds() > 0) {
            ctx.header("Retry-After", Integer.toString(error.retryAfterSeconds()));
        }
        ctx.status(error.status()).json(error.toEnvelope());
    }
}
