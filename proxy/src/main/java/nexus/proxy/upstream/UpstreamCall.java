package nexus.proxy.upstream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import nexus.proxy.chat.ClientGoneException;
import nexus.shared.db.Provider;
import nexus.shared.error.ApiError;

/**
 * One upstream HTTP call under the read-timeout watchdog, the transport every HTTP protocol shares: the answer's
 * status checked, its body read whole, as a stream of bytes or as server-sent events, each read failure turned into
 * a {@link StreamCutException}, or a {@link ClientGoneException} when the watchdog cancelled the call because its
 * client left. Read by one thread; {@link #close()} cancels a call whose answer was not read to its end.
 */
public final class UpstreamCall implements AutoCloseable {

    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    private static final int MAX_REMEMBERED_SERVER_URLS = 1_000;
    /** Per server URL, per path, the joined URL. */
    private static final Map<String, Map<String, HttpUrl>> ENDPOINTS = new ConcurrentHashMap<>();

    /** Turns an upstream's HTTP error answer (its status and the start of its body) into the client's error. */
    @FunctionalInterface
    public interface ErrorReader {
        ApiError read(int status, String body);
    }

    private final Call call;
    private final Response response;
    private final Provider provider;
    private final UpstreamWatchdog.Watch watch;
    private final boolean flushedBeforeWaits;
    private SseReader events;
    private boolean complete;

    private UpstreamCall(Call call, Response response, Provider provider, UpstreamWatchdog.Watch watch,
                         boolean flushedBeforeWaits) {
        this.call = call;
        this.response = response;
        this.provider = provider;
        this.watch = watch;
        this.flushedBeforeWaits = flushedBeforeWaits;
    }

    /**
     * Sends the request and waits for the answer's headers. Throws ApiError for a transport failure, a timeout, an
     * HTTP error (through {@code errors}) and a streaming request answered without a stream; ClientGoneException when
     * the client left first.
     */
    public static UpstreamCall start(OkHttpClient http, UpstreamWatchdog watchdog, Request request, Provider provider,
                                     boolean stream, ErrorReader errors) {
        Call call = http.newCall(request);
        UpstreamWatchdog.Watch watch = watchdog.watch(call, stream);
        Response response;
        try {
            response = call.execute();
        } catch (IOException e) {
            watch.close();
            if (watch.clientLeft()) {
                throw new ClientGoneException(e);
            }
            if (watch.firstEventLate()) {
                throw UpstreamFailures.noFirstEvent(provider, watch.firstEventLimitMillis());
            }
            throw UpstreamFailures.transport(provider,
                    watch.timedOut() ? new InterruptedIOException("no answer within the read timeout") : e);
        }
        watch.answered(response.headers());
        if (!response.isSuccessful()) {
            try (response; watch) {
                throw withRetryAfter(errors.read(response.code(), response.peekBody(MAX_ERROR_BODY_BYTES).string()),
                        response);
            } catch (IOException e) {
                if (watch.clientLeft()) {
                    throw new ClientGoneException(e);
                }
                throw errors.read(response.code(), "");
            }
        }
        String contentType = response.header("Content-Type", "");
        if (stream && !contentType.startsWith("text/event-stream")) {
            watch.close();
            response.close();
            throw ApiError.upstreamUnavailable("The upstream provider '" + provider.name()
                    + "' answered a streaming request without a stream (Content-Type " + contentType + ").");
        }
        return new UpstreamCall(call, response, provider, watch,
                UpstreamSockets.readsOnCallingThread(http, response.protocol()));
    }

    /** The error, carrying the upstream's {@code Retry-After} and {@code retry-after-ms} when it sent them. */
    private static ApiError withRetryAfter(ApiError error, Response response) {
        String seconds = response.header("Retry-After");
        String millis = response.header("retry-after-ms");
        if (seconds == null && millis == null) {
            return error;
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>(error.headers());
        if (seconds != null) {
            headers.put("Retry-After", seconds);
        }
        if (millis != null) {
            headers.put("retry-after-ms", millis);
        }
        return error.withHeaders(headers);
    }

    /**
     * The provider's base URL (e.g. https://api.openai.com/v1) joined with a path. Remembered per server URL and path:
     * parsing and building the URL was 3.7% of the proxy's CPU, repeated for every request to the same place.
     */
    public static HttpUrl endpoint(Provider provider, String path) {
        Map<String, HttpUrl> byPath = ENDPOINTS.get(provider.serverUrl());
        HttpUrl known = byPath == null ? null : byPath.get(path);
        if (known != null) {
            return known;
        }
        HttpUrl base = HttpUrl.parse(provider.serverUrl());
        if (base == null) {
            throw ApiError.upstreamUnavailable("The upstream provider '" + provider.name()
                    + "' has no valid server_url.");
        }
        HttpUrl url = base.newBuilder().addPathSegments(path).build();
        if (ENDPOINTS.size() >= MAX_REMEMBERED_SERVER_URLS) {
            ENDPOINTS.clear();  // server URLs edited again and again: start over rather than grow
        }
        ENDPOINTS.computeIfAbsent(provider.serverUrl(), server -> new ConcurrentHashMap<>()).put(path, url);
        return url;
    }

    /** The whole body. */
    public byte[] body() throws StreamCutException {
        try {
            byte[] body = response.body().bytes();
            complete = true;
            return body;
        } catch (IOException e) {
            throw cut(e);
        }
    }

    /**
     * The body as it arrives, for answers too large to hold: every read restarts the read timeout, a failed one
     * throws {@link StreamCutException}, and reading it to its end completes the call.
     */
    public InputStream bodyStream() {
        return new FilterInputStream(response.body().byteStream()) {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int read;
                try {
                    read = super.read(buffer, offset, length);
                } catch (IOException e) {
                    throw cut(e);
                }
                watch.touch();
                if (read < 0) {
                    complete = true;
                }
                return read;
            }
        };
    }

    /** A header of the answer, or null. */
    public String header(String name) {
        return response.header(name);
    }

    /** The body's length in bytes, or -1 when the upstream did not say. */
    public long contentLength() {
        return response.body().contentLength();
    }

    /** The data of the next server-sent event, or null at the end of the body. */
    public String nextEvent() throws StreamCutException {
        if (events == null) {
            events = new SseReader(response.body().source());
        }
        String data;
        try {
            data = events.next();
        } catch (IOException e) {
            throw cut(e);
        }
        watch.touch();
        if (data != null && !watch.firstEventArrived()) {
            throw cut(new InterruptedIOException("the first event came after its limit"));
        }
        return data;
    }

    /** The {@code event:} name of the event {@link #nextEvent()} last returned, or null. */
    public String eventName() {
        return events == null ? null : events.eventName();
    }

    /**
     * Marks the answer complete and reads the body to its end, so the connection goes back to the pool instead of
     * being dropped.
     */
    public void finish() {
        try {
            complete = response.body().source().exhausted();
        } catch (IOException e) {
            complete = false;
        }
    }

    /**
     * True when a relay may hold its flush: the answer is read through {@link UpstreamSockets} on the relay's thread,
     * which flush before they wait, or more of the stream has already arrived.
     */
    public boolean mayDeferFlush() {
        return flushedBeforeWaits || events != null && response.body().source().getBuffer().size() > 0;
    }

    /**
     * What a failed read means: the client left when the watchdog cut the call for that (thrown at once), no first
     * event in time or a timeout when it cut the call for its silence, else the failure itself.
     */
    private StreamCutException cut(IOException e) {
        if (watch.clientLeft()) {
            throw new ClientGoneException(e);
        }
        if (watch.firstEventLate()) {
            return new StreamCutException(UpstreamFailures.noFirstEvent(provider, watch.firstEventLimitMillis()), e);
        }
        IOException failure = watch.timedOut() ? new InterruptedIOException("no data within the read timeout") : e;
        return new StreamCutException(UpstreamFailures.cut(provider, failure), e);
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
