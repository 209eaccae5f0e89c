package nexus.proxy;

import io.javalin.http.Context;

/**
 * The header by which an answer that came from a model names its generation: the request id of the call that
 * answered, the one its usage row carries, which {@code POST /v1/feedback} rates. An error answer does not carry it
 * (see ProxyErrors). Stateless.
 */
public final class GenerationIds {

    public static final String HEADER = "X-Nexus-Generation-Id";

    private GenerationIds() {}

    /** Names the generation that is about to answer. */
    public static void mark(Context ctx, String requestId) {
        ctx.header(HEADER, requestId);
    }
}
