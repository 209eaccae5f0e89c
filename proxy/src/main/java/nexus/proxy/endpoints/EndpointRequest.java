package nexus.proxy.endpoints;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.chat.JsonBody;
import nexus.shared.error.ApiError;

/**
 * A client's request to one endpoint: the JSON object kept whole, so every field reaches the upstream untouched, and
 * the few fields Nexus reads. Immutable after parsing; the body is never modified in place.
 */
public final class EndpointRequest {

    private final Endpoint endpoint;
    private final byte[] rawBody;
    private final ObjectNode body;
    private final String model;
    private final boolean stream;
    private final boolean clientWantsUsage;

    private EndpointRequest(Endpoint endpoint, byte[] rawBody, ObjectNode body, String model, boolean stream,
                            boolean clientWantsUsage) {
        this.endpoint = endpoint;
        this.rawBody = rawBody;
        this.body = body;
        this.model = model;
        this.stream = stream;
        this.clientWantsUsage = clientWantsUsage;
    }

    /** Parses and validates a body by the endpoint's rules; every problem is a 400 naming the field. */
    public static EndpointRequest parse(byte[] rawBody, Endpoint endpoint, ObjectMapper mapper) {
        EndpointRules rules = endpoint.rules();
        ObjectNode body = JsonBody.parseObject(rawBody, mapper);
        String model = JsonBody.requireModel(body);
        boolean stream = JsonBody.optionalBoolean(body, "stream");
        if (stream && !rules.streams()) {
            throw ApiError.invalidRequest("Nexus does not stream " + endpoint.path() + "; leave 'stream' out.",
                    "stream");
        }
        boolean wantsUsage = JsonBody.wantsStreamUsage(body);
        rules.validate(body);
        return new EndpointRequest(endpoint, rawBody, body, model, stream, wantsUsage);
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    /** True when the client itself asked for the usage chunk of a stream. */
    public boolean clientWantsUsage() {
        return clientWantsUsage;
    }

    /** The request as the client sent it; read-only by convention. */
    public ObjectNode body() {
        return body;
    }

    /**
     * The body to send upstream: the client's own bytes when nothing must change, else a copy with {@code model} set
     * and, for a stream, {@code stream_options.include_usage} asked for (so its cost is known).
     */
    public byte[] upstreamBody(String upstreamModel, ObjectMapper mapper) {
        return JsonBody.forUpstream(rawBody, body, model, upstreamModel, false, stream && !clientWantsUsage, mapper);
    }
}
