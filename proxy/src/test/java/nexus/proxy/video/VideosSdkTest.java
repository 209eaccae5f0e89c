package nexus.proxy.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.videos.Video;
import com.openai.models.videos.VideoCreateParams;
import com.openai.models.videos.VideoSeconds;
import com.openai.models.videos.VideoSize;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.proxy.ProxyServer;
import nexus.shared.db.ModelType;
import nexus.shared.db.ProviderKind;

/** Contract test: the official OpenAI Java SDK, which sends a video create as multipart/form-data, through Nexus. */
class VideosSdkTest {

    private static final String KEY = "sdk-client-key";

    @StartStop
    final MockWebServer upstream = new MockWebServer();

    @TempDir
    Path dir;

    ProxyServer proxy;
    OpenAIClient client;

    @BeforeEach
    void start() {
        proxy = ProxyServer.start(dir);
        proxy.addModel(proxy.addProvider("Local mock", ProviderKind.MOCK, "mock://local?delay_ms=0", KEY),
                "mock-video", ModelType.VIDEO);
        proxy.addModel(proxy.addProvider("Compatible", ProviderKind.OPENAI, upstream.url("/v1").toString(), KEY),
                "sora-2", ModelType.VIDEO);
        client = OpenAIOkHttpClient.builder().baseUrl(proxy.url("/v1")).apiKey(KEY).maxRetries(0)
                .timeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        proxy.close();
    }

    @Test
    void the_sdk_creates_polls_and_downloads_a_mock_video() throws Exception {
        Video created = client.videos().create(VideoCreateParams.builder().model("mock-video")
                .prompt("A red balloon over Tokyo").seconds(VideoSeconds._8).size(VideoSize._1280X720).build());

        assertThat(created.status()).isEqualTo(Video.Status.QUEUED);
        assertThat(created.prompt()).contains("A red balloon over Tokyo");
        Video done = client.videos().retrieve(created.id());
        assertThat(done.status()).isEqualTo(Video.Status.COMPLETED);
        assertThat(done.seconds()).isEqualTo(VideoSeconds._8);
        assertThat(done.size()).isEqualTo(VideoSize._1280X720);
        try (HttpResponse file = client.videos().downloadContent(created.id())) {
            assertThat(file.headers().values("Content-Type")).containsExactly("video/mp4");
            assertThat(new String(file.body().readAllBytes(), StandardCharsets.US_ASCII)).contains("ftypisom");
        }
    }

    @Test
    void the_sdks_multipart_create_reaches_an_openai_compatible_upstream_with_its_fields() throws Exception {
        upstream.enqueue(VideoFixtures.answer("video-queued.json"));

        Video created = client.videos().create(VideoCreateParams.builder().model("sora-2")
                .prompt("A calico cat playing a piano on stage").seconds(VideoSeconds._8).build());

        assertThat(created.id()).startsWith("video_").isNotEqualTo(VideoFixtures.UPSTREAM_ID);
        assertThat(created.status()).isEqualTo(Video.Status.QUEUED);
        RecordedRequest sent = upstream.takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getHeaders().get("Content-Type")).startsWith("multipart/form-data; boundary=");
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer upstream-secret-key");
        assertThat(sent.getBody().utf8()).contains("name=\"model\"", "sora-2", "name=\"prompt\"",
                "A calico cat playing a piano on stage", "name=\"seconds\"");
    }

    @Test
    void an_unknown_video_is_the_sdks_not_found_error() {
        assertThatThrownBy(() -> client.videos().retrieve("video_0123")).isInstanceOf(NotFoundException.class);
    }
}
