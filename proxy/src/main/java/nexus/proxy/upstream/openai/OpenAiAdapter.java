package nexus.proxy.upstream.openai;

import java.io.IOException;
import java.io.InterruptedIOException;

import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.proxy.chat.ChatRequest;
import nexus.proxy.routing.Target;
import nexus.proxy.upstream.Exchange;
import nexus.proxy.upstream.HttpExchange;
import nexus.proxy.upstream.UpstreamAdapter;
import nexus.proxy.upstream.UpstreamClients;
import nexus.proxy.upstream.UpstreamFailures;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.shared.db.Provider;
import nexus.shared.error.ApiError;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Any OpenAI-compatible server: the client's JSON goes through as it came, with only {@code model} and
 * {@code stream_options} changed where needed. Stateless and thread-safe.
 */
public final class OpenAiAdapter implements UpstreamAdapter {

    private static final MediaType JSON = MediaType.get("application/json");
    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

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
                .url(endpoint(provider, "chat/completions"))
                .post(RequestBody.create(request.upstreamBody(target.model(), stream && !request.stream(), mapper), JSON));
        if (!provider.serverKey().isEmpty()) {
            upstream.header("Authorization", "Bearer " + provider.serverKey());
        }
        if (stream) {
            upstream.header("Accept", "text/event-stream");
        }
        Call call = http.forProvider(provider).newCall(upstream.build());
        UpstreamWatchdog.Watch watch = watchdog.watch(call);
        Response response;
        try {
            response = call.execute();
        } catch (IOException e) {
            watch.close();
            throw UpstreamFailures.transport(provider,
                    watch.timedOut() ? new InterruptedIOException("no answer within the read timeout") : e);
        }
        if (!response.isSuccessful()) {
            try (response; watch) {
                String body = response.peekBody(MAX_ERROR_BODY_BYTES).string();
                throw UpstreamFailures.status(provider, response.code(), body, mapper);
            } catch (IOException e) {
                throw UpstreamFailures.status(provider, response.code(), "", mapper);
            }
        }
        String contentType = response.header("Content-Type", "");
        if (stream && !contentType.startsWith("text/event-stream")) {
            watch.close();
            response.close();
            throw ApiError.upstreamUnavailable("The upstream provider '" + provider.name()
                    + "' answered a streaming request without a stream (Content-Type " + contentType + ").");
        }
        return new HttpExchange(call, response, provider, watch);
    }

    /** The provider's base URL (e.g. https://api.openai.com/v1) joined with a path. */
    static HttpUrl endpoint(Provider provider, String path) {
        HttpUrl base = HttpUrl.parse(provider.serverUrl());
        if (base == null) {
            throw ApiError.upstreamUnavailable("The upstream provider '" + provider.name()
                    + "' has no valid server_url.");
        }
        return base.newBuilder().addPathSegments(path).build();
    }
}
