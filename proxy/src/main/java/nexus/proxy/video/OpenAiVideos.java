package nexus.proxy.video;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSource;

import nexus.proxy.chat.ClientGoneException;
import nexus.proxy.routing.Target;
import nexus.proxy.upstream.StreamCutException;
import nexus.proxy.upstream.UpstreamClients;
import nexus.proxy.upstream.UpstreamFailures;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.shared.db.Provider;
import nexus.shared.db.VideoTask;
import nexus.shared.error.ApiError;

/**
 * Any OpenAI-compatible server's videos API: {@code POST /videos} with the client's body as it came,
 * {@code GET /videos/{id}} and {@code GET /videos/{id}/content}, each with the provider's server key. Stateless and
 * thread-safe.
 */
final class OpenAiVideos implements VideoUpstream {

    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    private static final long COPY_BYTES = 64 * 1024;

    private final UpstreamClients http;
    private final UpstreamWatchdog watchdog;
    private final ObjectMapper mapper;

    OpenAiVideos(UpstreamClients http, UpstreamWatchdog watchdog, ObjectMapper mapper) {
        this.http = http;
        this.watchdog = watchdog;
        this.mapper = mapper;
    }

    @Override
    public ObjectNode create(VideoRequest request, Target target) {
        Provider provider = target.provider();
        RequestBody body = RequestBody.create(request.body(), MediaType.get(request.contentType()));
        return videoObject(provider, authorised(provider, videos(provider).build()).post(body).build());
    }

    @Override
    public ObjectNode retrieve(Provider provider, VideoTask task) {
        return videoObject(provider, authorised(provider, videos(provider).addPathSegment(task.upstreamId()).build())
                .get().build());
    }

    @Override
    public VideoContent content(Provider provider, VideoTask task, String variant) {
        HttpUrl.Builder url = videos(provider).addPathSegment(task.upstreamId()).addPathSegment("content");
        if (variant != null) {
            url.addQueryParameter("variant", variant);
        }
        // identity: the bytes and their Content-Length as the upstream stores them, not a gzip OkHttp would unpack
        Request request = authorised(provider, url.build()).header("Accept-Encoding", "identity").get().build();
        return new HttpContent(open(provider, request), provider);
    }

    private ObjectNode videoObject(Provider provider, Request request) {
        Opened opened = open(provider, request);
        JsonNode video;
        try (opened) {
            video = mapper.readTree(opened.response().body().bytes());
        } catch (IOException e) {
            throw opened.failure(provider, e);
        }
        if (video == null || !video.isObject()) {
            throw ApiError.upstreamUnavailable("The upstream provider '" + provider.name()
                    + "' answered with a body that is not a video object.");
        }
        return (ObjectNode) video;
    }

    private static HttpUrl.Builder videos(Provider provider) {
        HttpUrl base = HttpUrl.parse(provider.serverUrl());
        if (base == null) {
            throw ApiError.upstreamUnavailable("The upstream provider '" + provider.name() + "' has no valid server_url.");
        }
        return base.newBuilder().addPathSegment("videos");
    }

    private static Request.Builder authorised(Provider provider, HttpUrl url) {
        Request.Builder request = new Request.Builder().url(url);
        if (!provider.serverKey().isEmpty()) {
            request.header("Authorization", "Bearer " + provider.serverKey());
        }
        return request;
    }

    /** Sends the request and waits for a successful answer's headers; every failure is the client's ApiError. */
    private Opened open(Provider provider, Request request) {
        Call call = http.forProvider(provider).newCall(request);
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
                throw UpstreamFailures.status(provider, response.code(),
                        response.peekBody(MAX_ERROR_BODY_BYTES).string(), mapper);
            } catch (IOException e) {
                throw UpstreamFailures.status(provider, response.code(), "", mapper);
            }
        }
        return new Opened(call, response, watch);
    }

    /** A call whose answer's headers arrived. */
    private record Opened(Call call, Response response, UpstreamWatchdog.Watch watch) implements AutoCloseable {

        ApiError failure(Provider provider, IOException e) {
            return UpstreamFailures.cut(provider, watch.timedOut() ? new InterruptedIOException("timed out") : e);
        }

        @Override
        public void close() {
            watch.close();
            call.cancel();
            response.close();
        }
    }

    /** The file of a content answer, copied a buffer at a time. */
    private record HttpContent(Opened opened, Provider provider) implements VideoContent {

        @Override
        public String contentType() {
            return opened.response().header("Content-Type", "application/octet-stream");
        }

        @Override
        public long contentLength() {
            return opened.response().body().contentLength();
        }

        @Override
        public void transferTo(OutputStream out) throws IOException {
            BufferedSource source = opened.response().body().source();
            Buffer buffer = new Buffer();
            while (true) {
                long read;
                try {
                    read = source.read(buffer, COPY_BYTES);
                } catch (IOException e) {
                    throw new StreamCutException(opened.failure(provider, e), e);
                }
                if (read == -1) {
                    return;
                }
                opened.watch().touch();
                try {
                    buffer.writeTo(out);
                    if (source.getBuffer().size() == 0) {
                        out.flush();
                    }
                } catch (IOException e) {
                    throw new ClientGoneException(e);
                }
            }
        }

        @Override
        public void close() {
            opened.close();
        }
    }
}
