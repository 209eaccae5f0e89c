package nexus.proxy.upstream;

import java.io.IOException;
import java.io.InputStream;

import nexus.shared.db.Provider;
import nexus.shared.error.ApiError;

/**
 * An OpenAI-format answer read from an upstream call: the body whole, or SSE data payloads one by one up to
 * {@code [DONE]}. Read by one thread; {@link #close()} cancels the call.
 */
public final class HttpExchange implements Exchange {

    private static final String DONE = "[DONE]";

    private final UpstreamCall call;
    private final Provider provider;

    public HttpExchange(UpstreamCall call, Provider provider) {
        this.call = call;
        this.provider = provider;
    }

    @Override
    public byte[] body() throws IOException {
        return call.body();
    }

    @Override
    public InputStream bodyStream() {
        return call.bodyStream();
    }

    @Override
    public String nextChunk() throws IOException {
        String data = call.nextEvent();
        if (data == null) {
            throw new StreamCutException(ApiError.upstreamUnavailable("The upstream provider '" + provider.name()
                    + "' ended the stream without [DONE]; the answer may be incomplete."), null);
        }
        if (!DONE.equals(data.strip())) {
            return data;
        }
        call.finish();
        return null;
    }

    @Override
    public boolean mayDeferFlush() {
        return call.mayDeferFlush();
    }

    @Override
    public void close() {
        call.close();
    }
}
