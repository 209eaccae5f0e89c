package nexus.proxy.video;

import java.net.URI;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/**
 * The seed platform's video aliases: {@code POST /api/proxy/video/generate} and
 * {@code GET /api/proxy/video/tasks/{task_id}}, translated to and from OpenAI's videos API. A finished task's
 * {@code video_url} is Nexus's own content URL on the host the client called, since the upstream's file needs the
 * server key. Thread-safe.
 */
public final class SeedVideosHandler {

    /** OpenAI's task states in the seed platform's words; an unknown state is passed on as it is. */
    private static final Map<String, String> STATUSES = Map.of(
            "queued", "pending",
            "in_progress", "running",
            "completed", "completed",
            "failed", "failed");

    private final VideosHandler videos;
    private final VideoService service;
    private final ObjectMapper mapper;

    public SeedVideosHandler(VideosHandler videos, VideoService service, ObjectMapper mapper) {
        this.videos = videos;
        this.service = service;
        this.mapper = mapper;
    }

    /** The answer's shape: {@code {task_id, status, result:{video_url}, error}}. */
    record SeedTask(String taskId, String status, Result result, @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode error) {}

    /** {@code video_url} is there once the task completed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Result(String videoUrl) {}

    public void generate(Context ctx) {
        ctx.json(view(ctx, service.create(videos.begin(ctx, body -> SeedVideoRequest.translate(body, mapper)))));
    }

    public void task(Context ctx) {
        ctx.json(view(ctx, service.retrieve(videos.caller(ctx), ctx.pathParam("task_id"))));
    }

    private SeedTask view(Context ctx, ObjectNode video) {
        String id = video.path("id").asText();
        String status = video.path("status").asText("");
        String videoUrl = status.equals("completed")
                ? URI.create(ctx.url()).resolve("/v1/videos/" + id + "/content").toString() : null;
        JsonNode error = null;
        if (status.equals("failed")) {
            error = video.hasNonNull("error") ? video.get("error")
                    : mapper.createObjectNode().put("message", "The video generation failed.");
        }
        return new SeedTask(id, STATUSES.getOrDefault(status, status), new Result(videoUrl), error);
    }
}
