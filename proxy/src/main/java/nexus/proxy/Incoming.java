package nexus.proxy;

import java.time.Clock;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.javalin.http.Context;
import io.javalin.http.Header;

import nexus.proxy.billing.Admission;
import nexus.proxy.billing.Billing;
import nexus.proxy.chat.ChatRequest;
import nexus.proxy.chat.ConversationIds;
import nexus.proxy.routing.BearerKey;
import nexus.proxy.routing.Caller;
import nexus.proxy.routing.Routes;
import nexus.proxy.routing.RoutingTable;
import nexus.proxy.routing.Target;

/**
 * The start every proxied HTTP request shares: its id and conversation id (both sent back as headers at once), the
 * caller its key authenticates, and its body. Immutable.
 *
 * @param conversationNamed true when the client sent its own conversation id
 */
public record Incoming(long startNanos, long startMillis, String requestId, String conversationId, String apiKey,
                       Routes routes, Caller caller, byte[] body, boolean conversationNamed, Billing billing) {

    /**
     * Names the request, authenticates it by its {@code Authorization: Bearer} key (401 on a bad key) and reads its
     * body (413 over the limit).
     */
    public static Incoming read(Context ctx, RoutingTable routing, Clock clock, BodyReader bodies) {
        return read(ctx, routing, clock, bodies, request -> BearerKey.from(request.header(Header.AUTHORIZATION)));
    }

    /** The same, with the key taken from the request by {@code apiKey}, which throws the 401 when there is none. */
    public static Incoming read(Context ctx, RoutingTable routing, Clock clock, BodyReader bodies,
                                Function<Context, String> apiKey) {
        long startNanos = System.nanoTime();
        String requestId = RequestIds.create();
        ctx.header(RequestIds.HEADER, requestId);
        String clientConversationId = ctx.header(ConversationIds.HEADER);
        String conversationId = ConversationIds.fromClient(clientConversationId, ConversationIds.HEADER);
        ctx.header(ConversationIds.HEADER, conversationId);
        String key = apiKey.apply(ctx);
        Routes routes = routing.current();
        Caller caller = routes.authenticate(key);
        return new Incoming(startNanos, clock.millis(), requestId, conversationId, caller.apiKey(), routes, caller,
                bodies.read(ctx), clientConversationId != null && !clientConversationId.isBlank(), routing.billing());
    }

    /** Admits a call of this caller to the target against its key's money and limits (402/429 when refused). */
    public Admission admit(Target target, LongSupplier promptTokens, long maxOutputTokens, long images,
                           long videoSeconds) {
        return billing.admit(caller, target, promptTokens, maxOutputTokens, images, videoSeconds);
    }

    /** The same for a chat request, whose prompt and answer limit it reads itself. */
    public Admission admitChat(Target target, ChatRequest request) {
        return billing.admitChat(caller, target, request);
    }
}
