package nexus.proxy.video;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

import nexus.proxy.chat.ClientGoneException;
import nexus.proxy.routing.Target;
import nexus.proxy.upstream.StreamCutException;
import nexus.proxy.upstream.UpstreamCall;
import nexus.proxy.upstream.UpstreamClients;
import nexus.proxy.upstream.UpstreamFailures;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.proxy.upstream.openai.OpenAiRequests;
import nexus.shared.db.Provider;
import nexus.shared.db.VideoTask;
import nexus.shared.error.ApiError;

/**
 * Any OpenAI-compatible server's videos API: {@code POST /videos} with the client's body as it came,
 * {@code GET /videos/{id}} and {@code GET /videos/{id}/content}, each with the provider's server key. Stateless and
 * thread-safe.
 */
final class OpenAiVideos implements VideoUpstream {

    private static final int COPY_BYTES = 64 * 1024;

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
        return videoObject(provider, OpenAiRequests.to(provider, "videos").post(body).build());
    }

    @Override
    public ObjectNode retrieve(Provider provider, VideoTask task) {
        return videoObject(provider, OpenAiRequests.to(provider, taskUrl(provider, task).build()).get().build());
    }

    @Override
    public VideoContent content(Provider provider, VideoTask task, String variant) {
        HttpUrl.Builder url = taskUrl(provider, task).addPathSegment("content");
        if (variant != null) {
            url.addQueryParameter("variant", variant);
        }
        // identity: the bytes and their Content-Length as the upstream stores them, not a gzip OkHttp would unpack
        Request request = OpenAiRequests.to(provider, url.build()).header("Accept-Encoding", "identity").get().build();
        return new HttpContent(start(provider, request));
    }

    /** The task's URL, its id one encoded path segment whatever characters the upstream put in it. */
    private static HttpUrl.Builder taskUrl(Provider provider, VideoTask task) {
        return UpstreamCall.endpoint(provider, "videos").newBuilder().addPathSegment(task.upstreamId());
    }

    private UpstreamCall start(Provider provider, Request request) {
        return UpstreamCall.start(http.forProvider(provider), watchdog, request, provider, false,
                (status, error) -> UpstreamFailures.status(provider, status, error, mapper));
    }

    private ObjectNode videoObject(Provider provider, Request request) {
        JsonNode video;
        try (UpstreamCall call = start(provider, request)) {
            video = mapper.readTree(call.body());
        } catch (StreamCutException cut) {
            throw cut.error();
        } catch (IOException e) {
            video = null;
        }
        if (video == null || !video.isObject()) {
            throw ApiError.upstreamUnavailable("The upstream provider '" + provider.name()
                    + "' answered with a body that is not a video object.");
        }
        return (ObjectNode) video;
    }

    /** The file of a content answer, copied as it arrives. */
    private record HttpContent(UpstreamCall call) implements VideoContent {

        @Override
        public String contentType() {
            String type = call.header("Content-Type");
            return type == null ? "application/octet-stream" : type;
        }

        @Override
        public long contentLength() {
            return call.contentLength();
        }

        @Override
        public void transferTo(OutputStream out) throws IOException {
            InputStream in = call.bodyStream();  // a failed read throws StreamCutException
            byte[] buffer = new byte[COPY_BYTES];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                try {
                    out.write(buffer, 0, read);
                    if (in.available() == 0) {
                        out.flush();  // nothing more has arrived: what has goes to the client now
                    }
                } catch (IOException e) {
                    throw new ClientGoneException(e);
                }
            }
        }

        @Override
        public void close() {
            call.close();
        }
    }
}
