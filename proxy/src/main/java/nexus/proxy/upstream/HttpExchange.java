package nexus.proxy.upstream;

import java.io.IOException;
import java.io.InterruptedIOException;

import nexus.shared.db.Provider;
import nexus.shared.error.ApiError;
import okhttp3.Call;
import okhttp3.Response;

/**
 * An OpenAI-format answer read from an OkHttp response: the body whole, or SSE data payloads one by one.
 * Read by one thread; {@link #close()} cancels the call.
 */
public final class HttpExchange implements Exchange {

    private static final String DONE = "[DONE]";

    private final Call call;
    private final Response response;
    private final Provider provider;
    private final UpstreamWatchdog.Watch watch;
    private SseReader events;
    private boolean complete;

    public HttpExchange(Call call, Response response, Provider provider, UpstreamWatchdog.Watch watch) {
        this.call = call;
        this.response = response;
        this.provider = provider;
        this.watch = watch;
    }

    @Override
    public byte[] body() throws IOException {
        try {
            byte[] body = response.body().bytes();
            complete = true;
            return body;
        } catch (IOException e) {
            throw new StreamCutException(UpstreamFailures.cut(provider, failure(e)), e);
        }
    }

    @Override
    public String nextChunk() throws IOException {
        if (events == null) {
            events = new SseReader(response.body().source());
        }
        String data;
        try {
            data = events.next();
        } catch (IOException e) {
            throw new StreamCutException(UpstreamFailures.cut(provider, failure(e)), e);
        }
        watch.touch();
        if (data == null) {
            throw new StreamCutException(ApiError.upstreamUnavailable("The upstream provider '" + provider.name()
                    + "' ended the stream without [DONE]; the answer may be incomplete."), null);
        }
        if (!DONE.equals(data.strip())) {
            return data;
        }
        complete = finishBody();
        return null;
    }

    /** Reads the body to its end after [DONE], so the connection goes back to the pool instead of being dropped. */
    private boolean finishBody() {
        try {
            return response.body().source().exhausted();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean hasBufferedData() {
        return events != null && response.body().source().getBuffer().size() > 0;
    }

    /** What a failed read means: a timeout when the watchdog cut the call, else the failure itself. */
    private IOException failure(IOException e) {
        return watch.timedOut() ? new InterruptedIOException("no data within the read timeout") : e;
    }

    @Override
    public void close() {
        watch.close();
        if (!complete) {
            call.cancel();  // first, so closing does not try to read the rest of a body nobody wants
        }
        response.close();
    }
}
