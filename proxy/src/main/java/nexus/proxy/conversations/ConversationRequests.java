package nexus.proxy.conversations;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Header;

import nexus.proxy.BodyReader;
import nexus.proxy.ClientJson;
import nexus.proxy.chat.ConversationIds;
import nexus.proxy.routing.BearerKey;
import nexus.proxy.routing.RoutingTable;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;

/** What every conversations call reads first: whose it is, which conversation, and its body. Thread-safe. */
final class ConversationRequests {

    static final String CONVERSATION_ID = "conversation_id";

    private final RoutingTable routing;
    private final BodyReader bodies;
    private final ObjectMapper mapper;

    ConversationRequests(RoutingTable routing, BodyReader bodies, ObjectMapper mapper) {
        this.routing = routing;
        this.bodies = bodies;
        this.mapper = mapper;
    }

    /** The owner the request's Bearer key files things under; 401 without a key that authenticates. */
    String owner(Context ctx) {
        return routing.current().authenticate(BearerKey.from(ctx.header(Header.AUTHORIZATION))).owner();
    }

    /** The conversation id in the path; one that could name no conversation is answered as unknown. */
    static String conversationId(Context ctx) {
        String id = ctx.pathParam(CONVERSATION_ID);
        if (!ConversationIds.isValid(id)) {
            throw notFound(id);
        }
        return id;
    }

    /** The body as one strict JSON object; an empty body reads as {@code {}} when {@code emptyIsObject}. */
    ObjectNode body(Context ctx, boolean emptyIsObject) {
        byte[] body = bodies.read(ctx);
        if (body.length == 0 && emptyIsObject) {
            return mapper.createObjectNode();
        }
        return ClientJson.object(body, mapper, "request body");
    }

    /** The one answer for an unknown conversation and another key's: ids cannot be probed. */
    static ApiError notFound(String id) {
        return ApiError.of(ErrorCode.NOT_FOUND, CONVERSATION_ID, "Conversation '" + id + "' not found.");
    }

    static ApiError itemNotFound(String id) {
        return ApiError.of(ErrorCode.NOT_FOUND, "item_id", "Item '" + id + "' not found.");
    }
}
