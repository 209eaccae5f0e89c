package nexus.proxy.video;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.chat.ClientGoneException;
import nexus.proxy.routing.Target;
import nexus.proxy.upstream.mock.MockAdapter;
import nexus.shared.db.Provider;
import nexus.shared.db.VideoTask;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;

/**
 * The {@code mock} kind's videos, for trying the API without a real provider: a task is queued, then completed once
 * the provider's {@code delay_ms} has passed since it was created, and its content is a small placeholder file of
 * Content-Type video/mp4 (an MP4 file-type box and a note, not a playable film). Keeps no state: the requested
 * duration and size travel in the mock's own task id, the time in the task row. Thread-safe.
 */
final class MockVideos implements VideoUpstream {

    private static final String DEFAULT_SECONDS = "4";
    private static final String DEFAULT_SIZE = "720x1280";
    private static final Pattern SECONDS = Pattern.compile("[1-9][0-9]{0,3}");
    private static final Pattern SIZE = Pattern.compile("[1-9][0-9]{1,4}x[1-9][0-9]{1,4}");
    private static final Pattern TASK_ID = Pattern.compile("mock-video-(" + SECONDS + ")s-(" + SIZE + ")-[0-9a-f]+");
    private static final HexFormat HEX = HexFormat.of();

    private final ObjectMapper mapper;
    private final Clock clock;

    MockVideos(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public ObjectNode create(VideoRequest request, Target target) {
        MockAdapter.settings(target.provider());
        String seconds = request.seconds() == null ? DEFAULT_SECONDS : request.seconds();
        String size = request.size() == null ? DEFAULT_SIZE : request.size();
        if (!SECONDS.matcher(seconds).matches()) {
            throw ApiError.invalidRequest("The mock provider takes 'seconds' as a whole number from 1 to 9999, got '"
                    + seconds + "'.", "seconds");
        }
        if (!SIZE.matcher(size).matches()) {
            throw ApiError.invalidRequest("The mock provider takes 'size' as WIDTHxHEIGHT, such as 1280x720, got '"
                    + size + "'.", "size");
        }
        String id = "mock-video-" + seconds + "s-" + size + "-" + HEX.toHexDigits(ThreadLocalRandom.current().nextLong());
        return video(id, target.model(), "queued", 0, clock.millis(), null, request.prompt(), seconds, size);
    }

    @Override
    public ObjectNode retrieve(Provider provider, VideoTask task) {
        Matcher id = parse(provider, task);
        long doneAtMillis = task.createdAtMillis() + MockAdapter.settings(provider).delayMillis();
        long now = clock.millis();
        if (now >= doneAtMillis) {
            return video(task.upstreamId(), task.model(), "completed", 100, task.createdAtMillis(), doneAtMillis, null,
                    id.group(1), id.group(2));
        }
        int progress = (int) (100 * (now - task.createdAtMillis()) / (doneAtMillis - task.createdAtMillis()));
        return video(task.upstreamId(), task.model(), "in_progress", progress, task.createdAtMillis(), null, null,
                id.group(1), id.group(2));
    }

    @Override
    public VideoContent content(Provider provider, VideoTask task, String variant) {
        if (variant != null && !variant.equals("video")) {
            throw ApiError.invalidRequest("The mock provider serves only the 'video' variant.", "variant");
        }
        String status = retrieve(provider, task).get("status").asText();
        if (!status.equals("completed")) {
            throw ApiError.of(ErrorCode.NOT_FOUND, null, "Video is not ready yet; its status is " + status + ".");
        }
        return new Placeholder(placeholder(task.upstreamId()));
    }

    private static Matcher parse(Provider provider, VideoTask task) {
        Matcher id = TASK_ID.matcher(task.upstreamId());
        if (!id.matches()) {
            throw ApiError.of(ErrorCode.NOT_FOUND, null, "The mock provider '" + provider.name()
                    + "' has no video '" + task.upstreamId() + "'.");
        }
        return id;
    }

    /** An OpenAI video object, its fields in the reference's order. */
    private ObjectNode video(String id, String model, String status, int progress, long createdAtMillis,
                             Long completedAtMillis, String prompt, String seconds, String size) {
        ObjectNode video = mapper.createObjectNode();
        video.put("id", id);
        video.put("object", "video");
        video.put("model", model);
        video.put("status", status);
        video.put("progress", progress);
        video.put("created_at", createdAtMillis / 1000);
        if (completedAtMillis == null) {
            video.putNull("completed_at");
        } else {
            video.put("completed_at", completedAtMillis / 1000);
        }
        video.putNull("expires_at");
        video.put("prompt", prompt);
        video.put("seconds", seconds);
        video.put("size", size);
        video.putNull("remixed_from_video_id");
        video.putNull("error");
        return video;
    }

    /** An MP4 file-type box followed by a free box holding a note: identifies as MP4, plays as nothing. */
    static byte[] placeholder(String taskId) {
        byte[] note = ("Nexus mock video " + taskId + ": placeholder bytes for trying the videos API, not a playable"
                + " film.").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer file = ByteBuffer.allocate(28 + 8 + note.length);
        file.putInt(28).put(ascii("ftyp")).put(ascii("isom")).putInt(0x200).put(ascii("isomiso2mp41"));
        file.putInt(8 + note.length).put(ascii("free")).put(note);
        return file.array();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The placeholder file, already in memory. */
    private record Placeholder(byte[] bytes) implements VideoContent {

        @Override
        public String contentType() {
            return "video/mp4";
        }

        @Override
        public long contentLength() {
            return bytes.length;
        }

        @Override
        public void transferTo(OutputStream out) {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                throw new ClientGoneException(e);
            }
        }

        @Override
        public void close() {}
    }
}
