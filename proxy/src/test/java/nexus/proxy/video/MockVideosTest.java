package nexus.proxy.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.ErrorBody;
import nexus.proxy.ProxyServer;
import nexus.proxy.Sse;
import nexus.shared.db.ModelType;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** The built-in mock kind's videos: queued, completed once its delay has passed, and a placeholder video/mp4 file. */
class MockVideosTest {

    private static final String KEY = "mock-key";
    private static final String SLOW_KEY = "slow-mock-key";

    @TempDir
    Path dir;

    ProxyServer proxy;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        proxy.addModel(proxy.addProvider("Mock", ProviderKind.MOCK, "mock://local?delay_ms=0", KEY), "mock-video",
                ModelType.VIDEO);
        proxy.addModel(proxy.addProvider("Slow mock", ProviderKind.MOCK, "mock://local?delay_ms=60000", SLOW_KEY),
                "mock-video", ModelType.VIDEO);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private JsonNode call(Request request, int status) throws Exception {
        try (Response response = proxy.execute(request)) {
            assertThat(response.code()).isEqualTo(status);
            return Sse.tree(response.body().string());
        }
    }

    private JsonNode create(String key, String body) throws Exception {
        return call(proxy.post("/v1/videos", key, body), 200);
    }

    @Test
    void a_task_is_queued_then_completed_and_its_create_is_recorded() throws Exception {
        JsonNode created = create(KEY, "{\"model\":\"mock-video\",\"prompt\":\"A lighthouse in a storm\"}");

        String id = created.get("id").asText();
        assertThat(id).matches("video_[0-9a-f]{32}");
        assertThat(created.get("object").asText()).isEqualTo("video");
        assertThat(created.get("model").asText()).isEqualTo("mock-video");
        assertThat(created.get("status").asText()).isEqualTo("queued");
        assertThat(created.get("progress").asInt()).isZero();
        assertThat(created.get("prompt").asText()).isEqualTo("A lighthouse in a storm");
        assertThat(created.get("seconds").asText()).isEqualTo("4");
        assertThat(created.get("size").asText()).isEqualTo("720x1280");
        assertThat(created.get("error").isNull()).isTrue();

        JsonNode polled = call(VideoFixtures.get(proxy, "/v1/videos/" + id, KEY), 200);
        assertThat(polled.get("id").asText()).isEqualTo(id);
        assertThat(polled.get("status").asText()).isEqualTo("completed");
        assertThat(polled.get("progress").asInt()).isEqualTo(100);
        assertThat(polled.get("completed_at").canConvertToLong()).isTrue();
        assertThat(polled.get("seconds").asText()).isEqualTo("4");

        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(row.providerName()).isEqualTo("Mock");
        assertThat(row.endpoint()).isEqualTo("videos");
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.usageSource()).isEqualTo(UsageSource.MISSING);
    }

    @Test
    void a_completed_tasks_content_is_a_placeholder_mp4_file() throws Exception {
        String id = create(KEY, "{\"model\":\"mock-video\",\"prompt\":\"A lighthouse\",\"seconds\":\"8\","
                + "\"size\":\"1280x720\"}").get("id").asText();

        try (Response response = proxy.execute(VideoFixtures.get(proxy, "/v1/videos/" + id + "/content", KEY))) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).isEqualTo("video/mp4");
            byte[] file = response.body().bytes();
            assertThat(response.header("Content-Length")).isEqualTo(Integer.toString(file.length));
            assertThat(new String(file, 4, 8, StandardCharsets.US_ASCII)).isEqualTo("ftypisom");
            assertThat(new String(file, StandardCharsets.US_ASCII)).contains("not a playable film");
        }
        JsonNode polled = call(VideoFixtures.get(proxy, "/v1/videos/" + id, KEY), 200);
        assertThat(polled.get("seconds").asText()).isEqualTo("8");
        assertThat(polled.get("size").asText()).isEqualTo("1280x720");
    }

    @Test
    void before_its_delay_a_task_is_in_progress_and_has_no_file_yet() throws Exception {
        String id = create(SLOW_KEY, "{\"model\":\"mock-video\",\"prompt\":\"A lighthouse\"}").get("id").asText();

        JsonNode polled = call(VideoFixtures.get(proxy, "/v1/videos/" + id, SLOW_KEY), 200);
        assertThat(polled.get("status").asText()).isEqualTo("in_progress");
        assertThat(polled.get("progress").asInt()).isBetween(0, 99);

        ErrorBody error = ErrorBody.of(call(VideoFixtures.get(proxy, "/v1/videos/" + id + "/content", SLOW_KEY), 404)
                .toString());
        assertThat(error.code()).isEqualTo("not_found");
        assertThat(error.message()).contains("not ready", "in_progress");
    }

    @Test
    void the_mock_serves_only_the_video_variant() throws Exception {
        String id = create(KEY, "{\"model\":\"mock-video\",\"prompt\":\"A lighthouse\"}").get("id").asText();

        ErrorBody error = ErrorBody.of(call(VideoFixtures.get(proxy,
                "/v1/videos/" + id + "/content?variant=thumbnail", KEY), 400).toString());

        assertThat(error.param()).isEqualTo("variant");
    }

    @Test
    void a_duration_the_mock_cannot_make_is_its_400_and_recorded() throws Exception {
        ErrorBody error = ErrorBody.of(call(proxy.post("/v1/videos", KEY,
                "{\"model\":\"mock-video\",\"prompt\":\"A lighthouse\",\"seconds\":\"forever\"}"), 400).toString());

        assertThat(error.param()).isEqualTo("seconds");
        Usage row = proxy.awaitUsageRows(1).getFirst();
        assertThat(row.status()).isEqualTo(400);
        assertThat(row.errorCode()).isEqualTo("invalid_request");
    }

    @Test
    void the_seed_aliases_work_with_the_mock() throws Exception {
        JsonNode task = call(proxy.post("/api/proxy/video/generate", KEY, "{\"model\":\"mock-video\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"A lighthouse\"}],\"ratio\":\"9:16\",\"duration\":8}"), 200);
        String id = task.get("task_id").asText();
        assertThat(task.get("status").asText()).isEqualTo("pending");

        JsonNode done = call(VideoFixtures.get(proxy, "/api/proxy/video/tasks/" + id, KEY), 200);
        assertThat(done.get("status").asText()).isEqualTo("completed");
        String videoUrl = done.get("result").get("video_url").asText();
        try (Response file = proxy.execute(new Request.Builder().url(videoUrl)
                .header("Authorization", "Bearer " + KEY).build())) {
            assertThat(file.code()).isEqualTo(200);
            assertThat(file.header("Content-Type")).isEqualTo("video/mp4");
        }
        JsonNode video = call(VideoFixtures.get(proxy, "/v1/videos/" + id, KEY), 200);
        assertThat(video.get("seconds").asText()).isEqualTo("8");
        assertThat(video.get("size").asText()).isEqualTo("720x1280");
    }
}
