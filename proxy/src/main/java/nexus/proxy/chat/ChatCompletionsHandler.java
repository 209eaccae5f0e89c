package nexus.proxy.chat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.Header;
import jakarta.servlet.http.HttpServletResponse;

import nexus.proxy.RequestIds;
import nexus.proxy.routing.BearerKey;
import nexus.proxy.routing.Caller;
import nexus.proxy.routing.Routes;
import nexus.proxy.routing.RoutingTable;
import nexus.shared.db.ModelType;
import nexus.shared.error.ApiError;

/** POST /v1/chat/completions: HTTP in and out only; every decision is delegated. Thread-safe. */
public final class ChatCompletionsHandler implements Handler {

    public static final String ENDPOINT = "chat.completions";

    private final RoutingTable routing;
    private final ChatService chat;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final long maxRequestBytes;

    public ChatCompletionsHandler(RoutingTable routing, ChatService chat, ObjectMapper mapper, Clock clock,
                                  long maxRequestBytes) {
        this.routing = routing;
        this.chat = chat;
        this.mapper = mapper;
        this.clock = clock;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public void handle(Context ctx) {
        long startNanos = System.nanoTime();
        String requestId = RequestIds.create();
        ctx.header(RequestIds.HEADER, requestId);
        String conversationId = ConversationIds.fromClient(ctx.header(ConversationIds.HEADER), ConversationIds.HEADER);
        ctx.header(ConversationIds.HEADER, conversationId);

        String apiKey = BearerKey.from(ctx.header(Header.AUTHORIZATION));
        Routes routes = routing.current();
        Caller caller = routes.authenticate(apiKey);
        ChatRequest request = ChatRequest.parse(body(ctx), mapper);
        ChatCall call = new ChatCall(requestId, conversationId, apiKey, routes.resolve(caller, request.model(), ModelType.CHAT),
                request, ENDPOINT, startNanos, clock.millis());

        if (request.stream()) {
            chat.stream(call, new SseSink(ctx.res(), mapper));
        } else {
            writeWhole(ctx.res(), chat.complete(call));
        }
    }

    /**
     * The request body. With a Content-Length it is read straight into an array of that size (Javalin's
     * {@code bodyAsBytes} copies through an 8 KiB buffer and a growing one); without (chunked), Javalin reads it,
     * enforcing the same limit.
     */
    private byte[] body(Context ctx) {
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

    /**
     * Writes the answer before the handler returns, not after as {@code ctx.result} would: the request counts as
     * running until then, so a stop that lets running requests finish cannot cut it off.
     */
    private static void writeWhole(HttpServletResponse response, byte[] body) {
        response.setStatus(200);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }
}
