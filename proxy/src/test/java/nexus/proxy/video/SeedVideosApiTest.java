package nexus.proxy.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import nexus.proxy.ProxyServer;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.Sse;
import nexus.shared.db.ModelType;
import nexus.shared.db.Usage;

/** The seed platform's video aliases, translated to OpenAI's videos API and back. */
class SeedVideosApiTest {

    private static final String KEY = ProxyWithUpstream.KEY;
    private static final String GENERATE = "{\"model\":\"sora-2\",\"content\":[{\"type\":\"text\",\"text\":\"A paper boat\"},"
            + "{\"type\":\"text\",\"text\":\"on a river at dawn\"}],\"ratio\":\"16:9\",\"duration\":5}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    ProxyServer proxy;
    MockWebServer upstream;

    @BeforeEach
    void addVideoModel() {
        proxy = gateway.proxy();
        upstream = gateway.upstream();
        proxy.addModel(gateway.providerId(), "sora-2", ModelType.VIDEO);
    }

    private JsonNode generate() throws Exception {
        upstream.enqueue(VideoFixtures.answer("video-queued.json"));
        try (Response response = proxy.execute(proxy.post("/api/proxy/video/generate", KEY, GENERATE))) {
            assertThat(response.code()).isEqualTo(200);
            return Sse.tree(response.body().string());
        }
    }

    private JsonNode poll(Request request) throws Exception {
        try (Response response = proxy.execute(request)) {
            assertThat(response.code()).isEqualTo(200);
            return Sse.tree(response.body().string());
        }
    }

    @Test
    void a_generate_becomes_an_openai_create_and_answers_a_pending_task() throws Exception {
        JsonNode task = generate();

        assertThat(task.get("task_id").asText()).matches("video_[0-9a-f]{32}");
        assertThat(task.get("status").asText()).isEqualTo("pending");
        assertThat(task.get("result")).isEqualTo(Sse.tree("{}"));
        assertThat(task.has("error")).isFalse();
        RecordedRequest sent = upstream.takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/videos");
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer upstream-secret-key");
        assertThat(Sse.tree(sent.getBody().utf8())).isEqualTo(Sse.tree("{\"model\":\"sora-2\","
                + "\"prompt\":\"A paper boat\\non a river at dawn\",\"size\":\"1280x720\",\"seconds\":\"5\"}"));
        Usage row = gateway.onlyRow();
        assertThat(row.endpoint()).isEqualTo("videos");
        assertThat(row.status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({"video-queued.json, pending", "video-in-progress.json, running", "video-completed.json, completed",
            "video-failed.json, failed"})
    void a_poll_answers_the_task_in_the_seed_platforms_words(String fixture, String status) throws Exception {
        String id = generate().get("task_id").asText();
        upstream.enqueue(VideoFixtures.answer(fixture));

        JsonNode task = poll(VideoFixtures.get(proxy, "/api/proxy/video/tasks/" + id, KEY));

        assertThat(task.get("task_id").asText()).isEqualTo(id);
        assertThat(task.get("status").asText()).isEqualTo(status);
        assertThat(task.path("result").has("video_url")).isEqualTo(status.equals("completed"));
        if (status.equals("failed")) {
            assertThat(task.get("error")).isEqualTo(VideoFixtures.tree("video-failed.json").get("error"));
        } else {
            assertThat(task.has("error")).isFalse();
        }
        upstream.takeRequest(5, TimeUnit.SECONDS);
        assertThat(upstream.takeRequest(5, TimeUnit.SECONDS).getUrl().encodedPath())
                .isEqualTo("/v1/videos/" + VideoFixtures.UPSTREAM_ID);
    }

    @Test
    void a_finished_tasks_video_url_is_the_content_url_of_nexus_and_works_with_the_key() throws Exception {
        String id = generate().get("task_id").asText();
        upstream.enqueue(VideoFixtures.answer("video-completed.json"));
        upstream.enqueue(new MockResponse.Builder().setHeader("Content-Type", "video/mp4").body("the film").build());

        String videoUrl = poll(VideoFixtures.get(proxy, "/api/proxy/video/tasks/" + id, KEY))
                .get("result").get("video_url").asText();

        assertThat(videoUrl).isEqualTo(proxy.url("/v1/videos/" + id + "/content"));
        try (Response file = proxy.execute(new Request.Builder().url(videoUrl)
                .header("Authorization", "Bearer " + KEY).build())) {
            assertThat(file.code()).isEqualTo(200);
            assertThat(file.header("Content-Type")).isEqualTo("video/mp4");
            assertThat(file.body().string()).isEqualTo("the film");
        }
    }

    @Test
    void the_video_url_names_the_host_the_client_called() throws Exception {
        String id = generate().get("task_id").asText();
        upstream.enqueue(VideoFixtures.answer("video-completed.json"));

        JsonNode task = poll(VideoFixtures.get(proxy, "/api/proxy/video/tasks/" + id, KEY).newBuilder()
                .header("Host", "nexus.example:8443").build());

        assertThat(task.get("result").get("video_url").asText())
                .isEqualTo("http://nexus.example:8443/v1/videos/" + id + "/content");
    }

    @Test
    void a_seed_task_and_an_openai_video_are_one_task() throws Exception {
        String id = generate().get("task_id").asText();
        upstream.enqueue(VideoFixtures.answer("video-in-progress.json"));

        JsonNode video = poll(VideoFixtures.get(proxy, "/v1/videos/" + id, KEY));

        assertThat(video.get("id").asText()).isEqualTo(id);
        assertThat(video.get("status").asText()).isEqualTo("in_progress");
    }
}
