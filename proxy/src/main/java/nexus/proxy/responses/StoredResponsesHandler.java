package nexus.proxy.responses;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.javalin.http.Context;
import io.javalin.http.Header;

import nexus.proxy.chat.ChatCompletionsHandler;
import nexus.proxy.conversations.ConversationFields;
import nexus.proxy.routing.BearerKey;
import nexus.proxy.routing.Caller;
import nexus.proxy.routing.RoutingTable;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;

/**
 * GET and DELETE /v1/responses/{id}, and GET /v1/responses/{id}/input_items: a kept response of the caller's, read or
 * deleted, or the items its request sent. Another owner's response and
 * an unknown id are the same 404. Thread-safe.
 */
public final class StoredResponsesHandler {

    private static final int DEFAULT_ITEMS_LIMIT = 20;
    private static final int MAX_ITEMS_LIMIT = 100;

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

    /**
     * GET {@code /{id}/input_items}: the items the response's own request sent, {@code after}, {@code limit} (1-100,
     * 20) and {@code order} ({@code desc} unless asked) as OpenAI pages them.
     */
    public void inputItems(Context ctx) {
        String id = ctx.pathParam("id");
        ArrayNode sent = store.inputItems(owner(ctx), id).orElseThrow(() -> notFound(id));
        int limit = ConversationFields.limit(ctx.queryParam("limit"), DEFAULT_ITEMS_LIMIT, MAX_ITEMS_LIMIT);
        boolean ascending = ConversationFields.ascending(ctx.queryParam("order"), false);
        String page = InputItems.page(id, sent, ctx.queryParam("after"), limit, ascending).toString();
        ChatCompletionsHandler.writeWhole(ctx.res(), page.getBytes(StandardCharsets.UTF_8));
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
