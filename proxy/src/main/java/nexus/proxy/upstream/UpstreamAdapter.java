package nexus.proxy.upstream;

import nexus.proxy.chat.ChatRequest;
import nexus.proxy.endpoints.Endpoint;
import nexus.proxy.endpoints.EndpointRequest;
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

    /** Whether this kind serves an endpoint besides chat: the one place a kind declares what it serves. */
    default boolean serves(Endpoint endpoint) {
        return false;
    }

    /**
     * Starts a call to an endpoint this kind {@link #serves}, streaming when the request asks to. Throws ApiError
     * like {@link #open(ChatRequest, Target, boolean)}.
     */
    default Exchange open(EndpointRequest request, Target target) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not serve " + request.endpoint());
    }
}
