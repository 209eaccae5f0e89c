package nexus.proxy.upstream.anthropic;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.proxy.upstream.Exchange;
import nexus.proxy.upstream.StreamCutException;
import nexus.proxy.upstream.UpstreamCall;
import nexus.shared.db.Provider;
import nexus.shared.error.ApiError;

/**
 * An Anthropic answer read from an upstream call and handed on in OpenAI's format: a message as a
 * {@code chat.completion}, a stream as {@code chat.completion.chunk} payloads ending after {@code message_stop}.
 * Read by one thread; {@link #close()} cancels the call.
 */
final class AnthropicExchange implements Exchange {

    private final UpstreamCall call;
    private final Provider provider;
    private final ObjectMapper mapper;
    private final long createdSeconds;
    private final Deque<String> pending = new ArrayDeque<>();
    private AnthropicStream stream;

    AnthropicExchange(UpstreamCall call, Provider provider, ObjectMapper mapper, long createdSeconds) {
        this.call = call;
        this.provider = provider;
        this.mapper = mapper;
        this.createdSeconds = createdSeconds;
    }

    @Override
    public byte[] body() throws IOException {
        byte[] body = call.body();
        JsonNode message;
        try {
            message = mapper.readTree(body);
        } catch (IOException e) {
            message = null;
        }
        if (!AnthropicResponses.isMessage(message)) {
            throw new StreamCutException(ApiError.upstreamUnavailable("The upstream provider '" + provider.name()
                    + "' answered with a body that is not an Anthropic message."), null);
        }
        return mapper.writeValueAsBytes(AnthropicResponses.toChatCompletion(message, createdSeconds, mapper));
    }

    @Override
    public String nextChunk() throws IOException {
        if (stream == null) {
            stream = new AnthropicStream(mapper, createdSeconds);
        }
        while (pending.isEmpty()) {
            if (stream.stopped()) {
                call.finish();
                return null;
            }
            String data = call.nextEvent();
            if (data == null) {
                throw new StreamCutException(ApiError.upstreamUnavailable("The upstream provider '" + provider.name()
                        + "' ended the stream without message_stop; the answer may be incomplete."), null);
            }
            pending.addAll(stream.translate(data));
        }
        return pending.poll();
    }

    @Override
    public boolean mayDeferFlush() {
        return !pending.isEmpty() || call.mayDeferFlush();
    }

    @Override
    public void close() {
        call.close();
    }
}
