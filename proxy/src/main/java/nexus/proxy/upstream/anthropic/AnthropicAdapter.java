package nexus.proxy.upstream.anthropic;

import java.io.IOException;
import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.proxy.chat.ChatRequest;
import nexus.proxy.routing.Target;
import nexus.proxy.upstream.Exchange;
import nexus.proxy.upstream.UpstreamAdapter;
import nexus.proxy.upstream.UpstreamCall;
import nexus.proxy.upstream.UpstreamClients;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.shared.db.Provider;
import okhttp3.Request;

/**
 * Anthropic's Messages API ({@code POST {server_url}/messages}): the OpenAI request is translated before it is sent,
 * the answer and its errors on the way back. Stateless and thread-safe.
 */
public final class AnthropicAdapter implements UpstreamAdapter {


    private final UpstreamClients http;
    private final UpstreamWatchdog watchdog;
    private final ObjectMapper mapper;
    private final Clock clock;

    public AnthropicAdapter(UpstreamClients http, UpstreamWatchdog watchdog, ObjectMapper mapper, Clock clock) {
        this.http = http;
        this.watchdog = watchdog;
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public Exchange open(ChatRequest request, Target target, boolean stream) {
        Provider provider = target.provider();
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(AnthropicRequests.toMessagesRequest(request.body(), target.model(), stream,
                    mapper));
        } catch (IOException e) {
            throw new IllegalStateException("A translated JSON tree could not be written", e);
        }
        Request upstream = MessagesApiRequests.post(provider, MessagesApiRequests.API_VERSION, body).build();
        UpstreamCall call = UpstreamCall.start(http.forProvider(provider), watchdog, upstream, provider, stream,
                (status, error) -> AnthropicErrors.fromStatus(provider, status, error, mapper));
        return new AnthropicExchange(call, provider, mapper, clock.instant().getEpochSecond());
    }
}
