package nexus.proxy.video;

import static nexus.proxy.ProxyWithUpstream.assertFailedBeforeAnswer;
import static nexus.proxy.video.VideoFixtures.CREATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.Response;
import okio.Buffer;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import nexus.proxy.ErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.Sse;
import nexus.shared.db.ModelType;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderDao;

/**
 * An upstream that refuses, fails or is too slow: a create gets the usual error and its usage row, a poll or a
 * download the same errors and no row, and a file cut off midway reaches the client as a cut, never as an end.
 */
class VideoUpstreamFailuresTest {

    private static final String KEY = ProxyWithUpstream.KEY;
    private static final Duration READ_TIMEOUT = Duration.ofMillis(300);

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream("Studio",
            config -> config.withUpstreamTimeouts(Duration.ofSeconds(1), READ_TIMEOUT));

    ProxyServer proxy;
    MockWebServer upstream;

    @BeforeEach
    void addVideoModel() {
        proxy = gateway.proxy();
        upstream = gateway.upstream();
        proxy.addModel(gateway.providerId(), "sora-2", ModelType.VIDEO);
    }

    private Reply create() throws IOException {
        try (Response response = proxy.execute(proxy.post("/v1/videos", KEY, CREATE))) {
            return Reply.of(response);
        }
    }

    private Reply get(String path) throws IOException {
        try (Response response = proxy.execute(VideoFixtures.get(proxy, path, KEY))) {
            return Reply.of(response);
        }
    }

    private String createTask() throws Exception {
        upstream.enqueue(VideoFixtures.answer("video-queued.json"));
        Reply reply = create();
        assertThat(reply.status()).isEqualTo(200);
        return Sse.tree(reply.body()).get("id").asText();
    }

    private int storedTasks() {
        try (Handle handle = proxy.database().openHandle()) {
            return handle.createQuery("SELECT COUNT(*) FROM video_task").mapTo(Integer.class).one();
        }
    }

    /** Points the provider at a port nothing listens on. */
    private void takeUpstreamDown() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ProviderDao providers = proxy.database().dao(ProviderDao.class);
        Provider provider = providers.findById(gateway.providerId()).orElseThrow();
        providers.update(new Provider(provider.id(), provider.name(), provider.kind(),
                "http://127.0.0.1:" + closedPort + "/v1", provider.serverKey(), provider.personalizedKey(),
                provider.description(), true, provider.createdAtMillis(), provider.httpProxy()));
    }

    @Test
    void an_upstream_4xx_on_create_keeps_its_status_type_code_and_param_and_is_recorded() throws Exception {
        upstream.enqueue(VideoFixtures.error(400, "error-invalid-size.json"));

        Reply reply = create();

        assertThat(reply.status()).isEqualTo(400);
        ErrorBody error = ErrorBody.of(reply.body());
        assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("invalid_request_error", "invalid_value", "size"));
        assertThat(error.message()).contains("Studio", "Supported values are");
        assertFailedBeforeAnswer(gateway.onlyRow(), 400, "invalid_value");
        assertThat(storedTasks()).isZero();
    }

    @Test
    void a_refused_create_is_502_upstream_unavailable_and_recorded() throws Exception {
        takeUpstreamDown();

        Reply reply = create();

        assertThat(reply.status()).isEqualTo(502);
        assertThat(ErrorBody.of(reply.body()).withoutMessage())
                .isEqualTo(ErrorBody.of("upstream_error", "upstream_unavailable", null));
        assertFailedBeforeAnswer(gateway.onlyRow(), 502, "upstream_unavailable");
        assertThat(storedTasks()).isZero();
    }

    @Test
    void a_create_answered_later_than_the_read_timeout_is_504_and_recorded() throws Exception {
        upstream.enqueue(VideoFixtures.answer("video-queued.json").newBuilder()
                .headersDelay(READ_TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS).build());

        Reply reply = create();

        assertThat(reply.status()).isEqualTo(504);
        assertThat(ErrorBody.of(reply.body()).withoutMessage())
                .isEqualTo(ErrorBody.of("upstream_error", "upstream_timeout", null));
        assertFailedBeforeAnswer(gateway.onlyRow(), 504, "upstream_timeout");
        assertThat(storedTasks()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"<html>busy</html>", "{\"object\":\"video\",\"status\":\"queued\"}", "[]"})
    void a_create_answered_without_a_video_id_is_502_and_recorded(String body) throws Exception {
        upstream.enqueue(OpenAiReplies.json(body));

        Reply reply = create();

        assertThat(reply.status()).isEqualTo(502);
        assertThat(ErrorBody.of(reply.body()).code()).isEqualTo("upstream_unavailable");
        assertFailedBeforeAnswer(gateway.onlyRow(), 502, "upstream_unavailable");
        assertThat(storedTasks()).isZero();
    }

    @Test
    void a_task_nexus_cannot_store_is_500_and_its_create_still_recorded() throws Exception {
        try (Handle handle = proxy.database().openHandle()) {
            handle.execute("DROP TABLE video_task");
        }
        upstream.enqueue(VideoFixtures.answer("video-queued.json"));

        Reply reply = create();

        assertThat(reply.status()).isEqualTo(500);
        ErrorBody error = ErrorBody.of(reply.body());
        assertThat(error.code()).isEqualTo("internal_error");
        assertThat(error.message()).doesNotContain("video_task", "SQL");
        assertFailedBeforeAnswer(gateway.onlyRow(), 500, "internal_error");
    }

    @Test
    void a_poll_of_a_task_the_upstream_no_longer_knows_passes_its_404_on() throws Exception {
        String id = createTask();
        upstream.enqueue(OpenAiReplies.json(404, "{\"error\":{\"message\":\"Video not found\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}"));

        Reply reply = get("/v1/videos/" + id);

        assertThat(reply.status()).isEqualTo(404);
        ErrorBody error = ErrorBody.of(reply.body());
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.message()).contains("Video not found");
    }

    @Test
    void a_refused_poll_and_download_are_502() throws Exception {
        String id = createTask();
        takeUpstreamDown();

        for (String path : new String[] {"/v1/videos/" + id, "/v1/videos/" + id + "/content"}) {
            Reply reply = get(path);
            assertThat(reply.status()).as(path).isEqualTo(502);
            assertThat(ErrorBody.of(reply.body()).code()).isEqualTo("upstream_unavailable");
        }
    }

    @Test
    void a_slow_poll_and_download_are_504() throws Exception {
        String id = createTask();
        for (String path : new String[] {"/v1/videos/" + id, "/v1/videos/" + id + "/content"}) {
            upstream.enqueue(VideoFixtures.answer("video-completed.json").newBuilder()
                    .headersDelay(READ_TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS).build());

            Reply reply = get(path);

            assertThat(reply.status()).as(path).isEqualTo(504);
            assertThat(ErrorBody.of(reply.body()).code()).isEqualTo("upstream_timeout");
        }
    }

    @Test
    void a_download_before_the_video_is_ready_passes_the_upstreams_404_on_in_openai_shape() throws Exception {
        String id = createTask();
        upstream.enqueue(VideoFixtures.error(404, "error-not-ready.json"));

        Reply reply = get("/v1/videos/" + id + "/content");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.contentType()).startsWith("application/json");
        ErrorBody error = ErrorBody.of(reply.body());
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.message()).contains("Video is not ready yet");
    }

    @ParameterizedTest(name = "with Content-Length: {0}")
    @ValueSource(booleans = {true, false})
    void a_file_cut_off_midway_reaches_the_client_as_a_cut(boolean knownLength) throws Exception {
        String id = createTask();
        Buffer file = new Buffer().write(new byte[1024 * 1024]);
        MockResponse.Builder answer = new MockResponse.Builder().setHeader("Content-Type", "video/mp4")
                .onResponseBody(new SocketEffect.CloseSocket());
        upstream.enqueue((knownLength ? answer.body(file) : answer.chunkedBody(file, 16 * 1024)).build());

        try (Response response = proxy.execute(VideoFixtures.get(proxy, "/v1/videos/" + id + "/content", KEY))) {
            assertThat(response.code()).isEqualTo(200);
            assertThatThrownBy(() -> response.body().bytes()).isInstanceOf(IOException.class);
        }
    }
}
