package nexus.proxy.responses;

import java.nio.charset.StandardCharsets;

import io.javalin.http.Context;
import io.javalin.http.Header;

import nexus.proxy.chat.ChatCompletionsHandler;
import nexus.proxy.routing.BearerKey;
import nexus.proxy.routing.Caller;
import nexus.proxy.routing.RoutingTable;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;

/**
 * GET and DELETE /v1/responses/{id}: a kept response of the caller's, read or deleted. Another owner's response and
 * an unknown id are the same 404. Thread-safe.
 */
public final class StoredResponsesHandler {

    private final RoutingTable routing;
    private final ResponseStore store;

    public StoredResponsesHandler(RoutingTable routing, ResponseStore store) {
        this.routing = routing;
        this.store = store;
    }

    /** GET: the response object as it was answered. */
    public void retrieve(Context ctx) {
        String id = ctx.pathParam("id");
        String body = store.find(owner(ctx), id).orElseThrow(() -> notFound(id)).toString();
        ChatCompletionsHandler.writeWhole(ctx.res(), body.getBytes(StandardCharsets.UTF_8));
    }

    /** DELETE: {@code {"id","object":"response","deleted":true}}. */
    public void delete(Context ctx) {
        String id = ctx.pathParam("id");
        if (!store.delete(owner(ctx), id)) {
            throw notFound(id);
        }
        ChatCompletionsHandler.writeWhole(ctx.res(), store.deleted(id).toString().getBytes(StandardCharsets.UTF_8));
    }

    private String owner(Context ctx) {
        Caller caller = routing.current().authenticate(BearerKey.from(ctx.header(Header.AUTHORIZATION)));
        return caller.owner();
    }

    private static ApiError notFound(String id) {
        return ApiError.of(ErrorCode.NOT_FOUND, "id", "No response found with id '" + id + "'.");
    }
}
