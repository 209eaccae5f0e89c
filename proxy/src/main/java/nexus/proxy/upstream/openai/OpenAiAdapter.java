package nexus.proxy.upstream.openai;

import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.proxy.chat.ChatRequest;
import nexus.proxy.routing.Target;
import nexus.proxy.upstream.Exchange;
import nexus.proxy.upstream.HttpExchange;
import nexus.proxy.upstream.UpstreamAdapter;
import nexus.proxy.upstream.UpstreamCall;
import nexus.proxy.upstream.UpstreamClients;
import nexus.proxy.upstream.UpstreamFailures;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.shared.db.Provider;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * Any OpenAI-compatible server: the client's JSON goes through as it came, with only {@code model} and
 * {@code stream_options} changed where needed. Stateless and thread-safe.
 */
public final class OpenAiAdapter implements UpstreamAdapter {

    private static final MediaType JSON = MediaType.get("application/json");

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
        Request.Builder upstream = new Request.Builder()
                .url(UpstreamCall.endpoint(provider, "chat/completions"))
                .post(RequestBody.create(request.upstreamBody(target.model(), stream && !request.stream(), mapper), JSON));
        if (!provider.serverKey().isEmpty()) {
            upstream.header("Authorization", "Bearer " + provider.serverKey());
        }
        if (stream) {
            upstream.header("Accept", "text/event-stream");
        }
        UpstreamCall call = UpstreamCall.start(http.forProvider(provider), watchdog, upstream.build(), provider, stream,
                (status, body) -> UpstreamFailures.status(provider, status, body, mapper));
        return new HttpExchange(call, provider);
    }
}
