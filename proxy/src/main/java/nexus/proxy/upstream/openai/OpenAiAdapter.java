package nexus.proxy.upstream.openai;

import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.proxy.chat.ChatRequest;
import nexus.proxy.endpoints.Endpoint;
import nexus.proxy.endpoints.EndpointRequest;
import nexus.proxy.routing.Target;
import nexus.proxy.upstream.Exchange;
import nexus.proxy.upstream.HttpExchange;
import nexus.proxy.upstream.UpstreamAdapter;
import nexus.proxy.upstream.UpstreamCall;
import nexus.proxy.upstream.UpstreamClients;
import nexus.proxy.upstream.UpstreamFailures;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.shared.db.Provider;

/**
 * Any OpenAI-compatible server: the client's JSON goes through as it came, with only {@code model} and
 * {@code stream_options} changed where needed. Stateless and thread-safe.
 */
public final class OpenAiAdapter implements UpstreamAdapter {

    private final UpstreamClients http;
    private final UpstreamWatchdog watchdog;
    private final ObjectMapper mapper;

    public OpenAiAdapter(UpstreamClients http, UpstreamWatchdog watchdog, ObjectMapper mapper) {
        this.http = http;
        this.watchdog = watchdog;
        this.mapper = mapper;
    }

    @Override
    public Exchange open(ChatRequest request, Target target, boolean stream) {
        Provider provider = target.provider();
        byte[] body = request.upstreamBody(target.model(), stream && !request.stream(), mapper);
        UpstreamCall call = UpstreamCall.start(http.forProvider(provider), watchdog,
                OpenAiRequests.postJson(provider, "chat/completions", body, stream), provider, stream,
                (status, error) -> UpstreamFailures.status(provider, status, error, mapper));
        return new HttpExchange(call, provider);
    }

    /** An OpenAI-compatible server serves them all, at the same paths under its URL. */
    @Override
    public boolean serves(Endpoint endpoint) {
        return true;
    }

    @Override
    public Exchange open(EndpointRequest request, Target target) {
        Provider provider = target.provider();
        boolean stream = request.stream();
        UpstreamCall call = UpstreamCall.start(http.forProvider(provider), watchdog,
                OpenAiRequests.postJson(provider, request.endpoint().upstreamPath(),
                        request.upstreamBody(target.model(), mapper), stream),
                provider, stream, (status, error) -> UpstreamFailures.status(provider, status, error, mapper));
        return new HttpExchange(call, provider);
    }
}
