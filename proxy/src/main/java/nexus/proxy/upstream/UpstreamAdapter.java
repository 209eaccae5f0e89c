package nexus.proxy.upstream;

import nexus.proxy.chat.ChatRequest;
import nexus.proxy.routing.Target;

/** Speaks one upstream wire protocol. Stateless and thread-safe; never sees Javalin or the database. */
public interface UpstreamAdapter {

    /**
     * Starts the upstream call. Throws ApiError for every failure known before the first byte of a successful
     * answer (refused, timed out, an upstream 4xx/5xx), so the client still gets a proper status.
     *
     * @param stream whether to ask for a stream, whatever the request says (the WebSocket always streams)
     */
    Exchange open(ChatRequest request, Target target, boolean stream);
}
