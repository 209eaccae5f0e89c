package nexus.proxy.video;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.billing.Charge;
import nexus.proxy.chat.ClientGoneException;
import nexus.proxy.routing.Caller;
import nexus.proxy.upstream.UpstreamClients;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.proxy.usage.TokenUsage;
import nexus.proxy.usage.UsageRecorder;
import nexus.shared.db.Database;
import nexus.shared.db.Provider;
import nexus.shared.db.Usage;
import nexus.shared.db.VideoTask;
import nexus.shared.db.VideoTaskDao;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;

/**
 * Video tasks: starts them upstream and remembers them under an id of Nexus's own, then reads them back (state and
 * file) for the key that created them only. A create that reached the upstream is one usage row; reading a task is
 * not billed and records none (a client polls every few seconds: rows per poll would swamp the request counts).
 * Knows nothing of HTTP. Thread-safe.
 */
public final class VideoService {

    private static final Logger log = LoggerFactory.getLogger(VideoService.class);
    static final String ENDPOINT = "videos";

    private final VideoUpstreams upstreams;
    private final VideoTaskDao tasks;
    private final UsageRecorder usage;

    public VideoService(UpstreamClients http, UpstreamWatchdog watchdog, Database database, UsageRecorder usage,
                        ObjectMapper mapper, Clock clock) {
        this.upstreams = new VideoUpstreams(http, watchdog, mapper, clock);
        this.tasks = database.dao(VideoTaskDao.class);
        this.usage = usage;
    }

    /** Starts the task; the upstream's video object under the id the client will use. */
    ObjectNode create(VideoCall call) {
        try {
            return start(call);
        } finally {
            call.admission().release();  // a path that recorded nothing still gives its reservation back
        }
    }

    private ObjectNode start(VideoCall call) {
        Provider provider = call.target().provider();
        VideoUpstream upstream = upstreams.forProvider(provider);
        ObjectNode video;
        try {
            video = upstream.create(call.request(), call.target());
        } catch (ApiError error) {
            log.warn("Upstream provider '{}' failed video request {}: {} {}", provider.name(), call.requestId(),
                    error.status(), error.getMessage());
            throw failed(call, error);
        } catch (ClientGoneException gone) {
            log.debug("Client went away before video request {} was answered; upstream call cancelled",
                    call.requestId());
            failed(call, ApiError.clientClosedRequest());
            throw gone;
        }
        JsonNode upstreamId = video.get("id");
        if (upstreamId == null || !upstreamId.isTextual() || upstreamId.asText().isBlank()) {
            throw failed(call, ApiError.upstreamUnavailable("The upstream provider '" + provider.name()
                    + "' answered a video request without a video id."));
        }
        String id = VideoIds.create();
        try {
            tasks.insert(new VideoTask(id, upstreamId.asText(), provider.id(), call.apiKey(), call.target().model(),
                    call.startMillis()));
        } catch (ApiError busy) {
            record(call, busy.status(), busy.code(), TokenUsage.MISSING);
            throw busy;
        } catch (RuntimeException e) {
            record(call, ErrorCode.INTERNAL_ERROR.status(), ErrorCode.INTERNAL_ERROR.code(), TokenUsage.MISSING);
            throw e;  // a bug or a broken database: the one renderer logs it with an id
        }
        video.put("id", id);
        TokenUsage reported = TokenUsage.reported(video.get("usage"));
        record(call, 200, null, reported == null ? TokenUsage.MISSING : reported);
        return video;
    }

    /** The task's current state, as its provider reports it. */
    ObjectNode retrieve(Caller caller, String id) {
        Located located = locate(caller, id);
        try {
            ObjectNode video = located.upstream().retrieve(located.provider(), located.task());
            video.put("id", id);
            return video;
        } catch (ApiError error) {
            throw logged(located, error);
        }
    }

    /** The task's file, opened for streaming; the caller closes it. */
    VideoContent content(Caller caller, String id, String variant) {
        Located located = locate(caller, id);
        try {
            return located.upstream().content(located.provider(), located.task(), variant);
        } catch (ApiError error) {
            throw logged(located, error);
        }
    }

    /** A task of this caller's and the provider that runs it; the same 404 for another key's task as for none. */
    private Located locate(Caller caller, String id) {
        VideoTask task = tasks.findOwned(id, caller.apiKey()).orElseThrow(() ->
                ApiError.of(ErrorCode.NOT_FOUND, null, "No video found with id '" + id + "'."));
        // 404, not 502: nothing upstream failed, Nexus no longer has a way to the task, and SDKs retry a 5xx in vain.
        Provider provider = caller.providers().stream().filter(candidate -> candidate.id() == task.providerId())
                .findFirst().orElseThrow(() -> ApiError.of(ErrorCode.NOT_FOUND, null, "The video '" + id
                        + "' was made by a provider that is now disabled or deleted in Nexus, so it cannot be read."));
        return new Located(task, provider, upstreams.forProvider(provider));
    }

    private record Located(VideoTask task, Provider provider, VideoUpstream upstream) {}

    private static ApiError logged(Located located, ApiError error) {
        log.warn("Upstream provider '{}' failed reading video {}: {} {}", located.provider().name(),
                located.task().id(), error.status(), error.getMessage());
        return error;
    }

    /** Records a create that produced no task, and returns the error to throw. */
    private ApiError failed(VideoCall call, ApiError error) {
        record(call, error.status(), error.code(), TokenUsage.MISSING);
        return error;
    }

    private void record(VideoCall call, int status, String errorCode, TokenUsage used) {
        Provider provider = call.target().provider();
        long latencyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call.startNanos());
        Charge charge = call.admission().settle(call.target(), used, 0, call.request().secondsOrDefault(),
                status == 200);
        usage.record(new Usage(0, call.requestId(), call.apiKey(), provider.id(), provider.name(), call.target().model(),
                call.conversationId(), ENDPOINT, false, used.promptTokens(), used.completionTokens(),
                used.totalTokens(), used.source(), status, false, errorCode, latencyMillis, null, call.startMillis(),
                used.cacheReadTokens(), used.cacheCreationTokens(), 0, call.admission().keyId(), charge.costNanos(),
                charge.billedToBalance()));
    }
}
