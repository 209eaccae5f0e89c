package nexus.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.function.Function;

import io.javalin.http.Context;
import io.javalin.http.Header;

import nexus.proxy.chat.ClientGoneException;
import nexus.proxy.chat.ConversationIds;
import nexus.proxy.routing.BearerKey;
import nexus.proxy.routing.Caller;
import nexus.proxy.routing.Routes;
import nexus.proxy.routing.RoutingTable;
import nexus.shared.error.ApiError;

/**
 * The start every proxied HTTP request shares: its id and conversation id (both sent back as headers at once), the
 * caller its key authenticates, and its body. Immutable.
 */
public record Incoming(long startNanos, long startMillis, String requestId, String conversationId, String apiKey,
                       Routes routes, Caller caller, byte[] body) {

    /**
     * Names the request, authenticates it by its {@code Authorization: Bearer} key (401 on a bad key) and reads its
     * body (413 over the limit).
     */
    public static Incoming read(Context ctx, RoutingTable routing, Clock clock, long maxRequestBytes) {
        return read(ctx, routing, clock, maxRequestBytes,
                request -> BearerKey.from(request.header(Header.AUTHORIZATION)));
    }

    /** The same, with the key taken from the request by {@code apiKey}, which throws the 401 when there is none. */
    public static Incoming read(Context ctx, RoutingTable routing, Clock clock, long maxRequestBytes,
                                Function<Context, String> apiKey) {
        long startNanos = System.nanoTime();
        String requestId = RequestIds.create();
        ctx.header(RequestIds.HEADER, requestId);
        String conversationId = ConversationIds.fromClient(ctx.header(ConversationIds.HEADER), ConversationIds.HEADER);
        ctx.header(ConversationIds.HEADER, conversationId);
        String key = apiKey.apply(ctx);
        Routes routes = routing.current();
        Caller caller = routes.authenticate(key);
        return new Incoming(startNanos, clock.millis(), requestId, conversationId, key, routes, caller,
                body(ctx, maxRequestBytes));
    }

    /**
     * The request body. With a Content-Length it is read straight into an array of that size (Javalin's
     * {@code bodyAsBytes} copies through an 8 KiB buffer and a growing one); without (chunked), Javalin reads it,
     * enforcing the same limit.
     */
    private static byte[] body(Context ctx, long maxRequestBytes) {
        long length = ctx.req().getContentLengthLong();
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            return ctx.bodyAsBytes();
        }
        if (length > maxRequestBytes) {
            throw ApiError.requestTooLarge(maxRequestBytes);
        }
        try {
            InputStream in = ctx.req().getInputStream();
            byte[] body = in.readNBytes((int) length);
            if (body.length < length) {
                throw new ClientGoneException(new IOException("The request body ended after " + body.length
                        + " of " + length + " bytes"));
            }
            return body;
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }
}
