package nexus.proxy;

import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.validation.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.anthropic.AnthropicErrors;
import nexus.proxy.chat.ClientGoneException;
import nexus.shared.error.ApiError;
import nexus.shared.http.JettyEdge;

/**
 * The only place the proxy turns an exception into a response, never with a trace: OpenAI's error envelope, or
 * Anthropic's on the Anthropic Messages endpoint and for requests that carry {@code anthropic-version}.
 */
final class ProxyErrors {

    private static final Logger log = LoggerFactory.getLogger(ProxyErrors.class);

    private ProxyErrors() {}

    static void install(JavalinConfig config, long maxRequestBytes, ObjectMapper mapper) {
        config.routes.exception(ApiError.class, (error, ctx) -> render(ctx, error));
        config.routes.exception(JacksonException.class, (error, ctx) ->
                render(ctx, ApiError.invalidRequest("The request body is not valid JSON.", null)));
        config.routes.exception(ValidationException.class, (error, ctx) -> {
            String field = error.getErrors().keySet().stream().findFirst().orElse(null);
            render(ctx, ApiError.invalidRequest("Invalid value for '" + field + "'.", field));
        });
        config.routes.exception(HttpResponseException.class, (error, ctx) -> render(ctx, ApiError.fromFrameworkStatus(
                error.getStatus(), ctx.method().name(), ctx.path(), maxRequestBytes, error.getMessage())));
        config.routes.exception(ClientGoneException.class, (error, ctx) ->
                log.debug("Client went away on {} {}", ctx.method(), ctx.path()));
        config.routes.exception(UnreadableBodyException.class, (error, ctx) -> {
            log.warn("The request body of {} {} could not be read: {}", ctx.method(), ctx.path(),
                    error.getCause().toString());  // one line: the client's fault, not ours
            render(ctx, ApiError.unreadableBody(error.getCause()));
        });
        config.routes.exception(Exception.class, (error, ctx) -> {
            String logId = Long.toHexString(ThreadLocalRandom.current().nextLong());
            log.error("Unhandled error {} on {} {}", logId, ctx.method(), ctx.path(), error);
            render(ctx, ApiError.internal(logId));
        });
        config.jetty.modifyServer(server -> server.setErrorHandler(
                JettyEdge.errorPages(maxRequestBytes, mapper, ProxyErrors::envelope)));
    }

    private static void render(Context ctx, ApiError error) {
        if (ctx.res().isCommitted()) {
            log.debug("Error after the response began, not rendered: {}", error.getMessage());
            return;
        }
        if (error.retryAfterSeconds() > 0) {
            ctx.header("Retry-After", Integer.toString(error.retryAfterSeconds()));
        }
        error.headers().forEach(ctx::header);
        ctx.res().setHeader(GenerationIds.HEADER, null);  // no generation answered
        boolean anthropic = AnthropicErrors.speakAnthropic(ctx.path(), ctx.header(AnthropicErrors.VERSION_HEADER));
        ctx.status(error.status()).json(anthropic ? AnthropicErrors.envelope(error) : error.toEnvelope());
    }

    private static Object envelope(String path, ApiError error) {
        return AnthropicErrors.speakAnthropic(path) ? AnthropicErrors.envelope(error) : error.toEnvelope();
    }
}
