package nexus.proxy.video;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Header;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.BodyReader;
import nexus.proxy.Incoming;
import nexus.proxy.chat.ClientGoneException;
import nexus.proxy.routing.BearerKey;
import nexus.proxy.routing.Caller;
import nexus.proxy.routing.RoutingTable;
import nexus.proxy.routing.Target;
import nexus.proxy.upstream.StreamCutException;
import nexus.shared.db.ModelType;

/**
 * OpenAI's videos API: {@code POST /v1/videos}, {@code GET /v1/videos/{id}} and {@code GET /v1/videos/{id}/content}.
 * HTTP in and out only; {@link VideoService} decides. Thread-safe.
 */
public final class VideosHandler {

    private static final Logger log = LoggerFactory.getLogger(VideosHandler.class);

    private final RoutingTable routing;
    private final VideoService videos;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final BodyReader bodies;

    public VideosHandler(RoutingTable routing, VideoService videos, ObjectMapper mapper, Clock clock,
                         BodyReader bodies) {
        this.routing = routing;
        this.videos = videos;
        this.mapper = mapper;
        this.clock = clock;
        this.bodies = bodies;
    }

    public void create(Context ctx) {
        ctx.json(videos.create(begin(ctx, body -> VideoRequest.parse(body, ctx.contentType(), mapper))));
    }

    public void retrieve(Context ctx) {
        ctx.json(videos.retrieve(caller(ctx), ctx.pathParam("id")));
    }

    /** The file, relayed as it arrives with the upstream's Content-Type and Content-Length. */
    public void content(Context ctx) {
        try (VideoContent content = videos.content(caller(ctx), ctx.pathParam("id"), ctx.queryParam("variant"))) {
            HttpServletResponse response = ctx.res();
            response.setStatus(200);
            response.setContentType(content.contentType());
            if (content.contentLength() >= 0) {
                response.setContentLengthLong(content.contentLength());
            }
            OutputStream out;
            try {
                out = response.getOutputStream();
            } catch (IOException e) {
                throw new ClientGoneException(e);
            }
            content.transferTo(out);
            out.close();  // ends the response here, while the request still counts as running
        } catch (StreamCutException cut) {
            log.warn("Video content of {} broke off: {}", ctx.pathParam("id"), cut.getMessage());
            // Too late for a status. Ending normally would end a chunked body cleanly, a truncated file looking whole:
            // cut the connection instead, so the client sees the failure.
            ServletContextRequest.getServletContextRequest(ctx.req()).getServletChannel().abort(cut);
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    /** Starts a create call: request id and conversation headers, the caller, the parsed request, its model. */
    VideoCall begin(Context ctx, Function<byte[], VideoRequest> parse) {
        Incoming incoming = Incoming.read(ctx, routing, clock, bodies);
        VideoRequest request = parse.apply(incoming.body());
        Target target = incoming.routes().resolve(incoming.caller(), request.model(), ModelType.VIDEO);
        return new VideoCall(incoming.requestId(), incoming.conversationId(), incoming.apiKey(), target, request,
                incoming.startNanos(), incoming.startMillis(), incoming.admit(target, () -> 0, 0, 0, request.secondsOrDefault()));
    }

    Caller caller(Context ctx) {
        return routing.current().authenticate(BearerKey.from(ctx.header(Header.AUTHORIZATION)));
    }
}
