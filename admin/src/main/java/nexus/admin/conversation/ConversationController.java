package nexus.admin.conversation;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import nexus.shared.db.ApiKey;
import nexus.shared.db.ConversationCursor;
import nexus.shared.error.ApiError;

/**
 * HTTP edge of {@code /conversations}: {@code GET} (filtered by {@code key_id} or {@code owner}, searched by {@code q},
 * paged by {@code limit} and {@code after}), {@code GET /{id}} and {@code DELETE /{id}}. Thread-safe.
 */
public final class ConversationController {

    private static final String CONVERSATION_ID = "conversation_id";
    private static final int DEFAULT_LIST_LIMIT = 20;
    private static final int MAX_LIST_LIMIT = 100;
    private static final int DEFAULT_MESSAGES_LIMIT = 100;
    private static final int MAX_MESSAGES_LIMIT = 1000;

    private final ConversationService service;

    public ConversationController(ConversationService service) {
        this.service = service;
    }

    public void list(Context ctx) {
        String query = ctx.queryParam("q");
        ctx.json(service.list(owner(ctx), query == null || query.isBlank() ? null : query.strip(),
                ConversationCursor.parse(ctx.queryParam("after"), "after"),
                limit(ctx.queryParam("limit"), DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT)));
    }

    public void get(Context ctx) {
        ctx.json(service.get(ctx.pathParam(CONVERSATION_ID), ctx.queryParam("after"),
                limit(ctx.queryParam("limit"), DEFAULT_MESSAGES_LIMIT, MAX_MESSAGES_LIMIT)));
    }

    public void delete(Context ctx) {
        service.delete(ctx.pathParam(CONVERSATION_ID));
        ctx.status(HttpStatus.NO_CONTENT);
    }

    /** {@code key_id} as the issued key's owner name, else {@code owner} as given, else null for every owner. */
    private static String owner(Context ctx) {
        String keyId = ctx.queryParam("key_id");
        if (keyId != null && !keyId.isBlank()) {
            return ApiKey.owner(positive(keyId, "key_id", Long.MAX_VALUE));
        }
        String owner = ctx.queryParam("owner");
        return owner == null || owner.isBlank() ? null : owner.strip();
    }

    private static int limit(String value, int fallback, int max) {
        return value == null || value.isBlank() ? fallback : (int) positive(value, "limit", max);
    }

    private static long positive(String value, String param, long max) {
        try {
            long number = Long.parseLong(value.strip());
            if (number >= 1 && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.invalidRequest("'" + param + "' must be an integer from 1 to " + max + ".", param);
    }
}
