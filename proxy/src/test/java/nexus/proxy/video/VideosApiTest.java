package nexus.proxy.video;

import static nexus.proxy.video.VideoFixtures.CREATE;
import static nexus.proxy.video.VideoFixtures.UPSTREAM_ID;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ErrorBody;
import nexus.proxy.ProxyServer;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.Sse;
import nexus.shared.db.ModelType;
import nexus.shared.db.NewProvider;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;
import nexus.shared.db.VideoTask;
import nexus.shared.db.VideoTaskDao;

/** OpenAI's videos API through the proxy to an OpenAI-compatible upstream: create, poll and the file. */
class VideosApiTest {

    private static final String KEY = ProxyWithUpstream.KEY;

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

    /** Creates a task at the upstream (answering the queued fixture) and returns the id the client got. */
    private String createTask() throws Exception {
        upstream.enqueue(VideoFixtures.answer("video-queued.json"));
        try (Response response = proxy.execute(proxy.post("/v1/videos", KEY, CREATE))) {
            assertThat(response.code()).isEqualTo(200);
            String id = Sse.tree(response.body().string()).get("id").asText();
            assertThat(upstream.takeRequest(5, TimeUnit.SECONDS)).isNotNull();
            return id;
        }
    }

    private static ObjectNode withoutId(JsonNode video) {
        ObjectNode copy = video.deepCopy();
        copy.remove("id");
        return copy;
    }

    @Test
    void a_create_goes_upstream_as_sent_and_answers_the_video_under_an_id_of_nexus() throws Exception {
        upstream.enqueue(VideoFixtures.answer("video-queued.json"));

        JsonNode video;
        String requestId;
        try (Response response = proxy.execute(proxy.post("/v1/videos", KEY, CREATE))) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith("application/json");
            requestId = response.header("X-Request-Id");
            assertThat(response.header("X-Conversation-Id")).isNotBlank();
            video = Sse.tree(response.body().string());
        }

        String id = video.get("id").asText();
        assertThat(id).matches("video_[0-9a-f]{32}").isNotEqualTo(UPSTREAM_ID);
        assertThat(withoutId(video)).isEqualTo(withoutId(VideoFixtures.tree("video-queued.json")));
        RecordedRequest sent = upstream.takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getMethod()).isEqualTo("POST");
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/videos");
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer upstream-secret-key");
        assertThat(sent.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(sent.getBody().utf8()).isEqualTo(CREATE);
        assertThat(proxy.database().dao(VideoTaskDao.class).findOwned(id, KEY)).get()
                .returns(UPSTREAM_ID, VideoTask::upstreamId)
                .returns(gateway.providerId(), VideoTask::providerId)
                .returns("sora-2", VideoTask::model);
        Usage row = gateway.onlyRow();
        assertThat(row.requestId()).isEqualTo(requestId);
        assertThat(row.endpoint()).isEqualTo("videos");
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.model()).isEqualTo("sora-2");
        assertThat(row.providerName()).isEqualTo("OpenAI");
        assertThat(row.usageSource()).isEqualTo(UsageSource.MISSING);
        assertThat(List.of(row.promptTokens(), row.completionTokens(), row.totalTokens())).containsOnly(0L);
    }

    @Test
    void a_multipart_create_with_a_reference_image_reaches_the_upstream_byte_for_byte() throws Exception {
        upstream.enqueue(VideoFixtures.answer("video-queued.json"));
        MultipartBody form = new MultipartBody.Builder().setType(MultipartBody.FORM)
                .addFormDataPart("model", "sora-2")
                .addFormDataPart("prompt", "She turns around and smiles")
                .addFormDataPart("input_reference", "first-frame.png",
                        RequestBody.create(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2}, MediaType.get("image/png")))
                .build();
        Buffer sentForm = new Buffer();
        form.writeTo(sentForm);

        Request request = new Request.Builder().url(proxy.url("/v1/videos")).header("Authorization", "Bearer " + KEY)
                .post(form).build();
        try (Response response = proxy.execute(request)) {
            assertThat(response.code()).isEqualTo(200);
        }

        RecordedRequest sent = upstream.takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getHeaders().get("Content-Type")).isEqualTo(form.contentType().toString());
        assertThat(sent.getBody()).isEqualTo(sentForm.readByteString());
        assertThat(gateway.onlyRow().status()).isEqualTo(200);
    }

    @Test
    void a_poll_asks_the_provider_for_its_own_id_and_answers_under_the_id_of_nexus() throws Exception {
        String id = createTask();
        upstream.enqueue(VideoFixtures.answer("video-in-progress.json"));

        JsonNode video;
        try (Response response = proxy.execute(VideoFixtures.get(proxy, "/v1/videos/" + id, KEY))) {
            assertThat(response.code()).isEqualTo(200);
            video = Sse.tree(response.body().string());
        }

        assertThat(video.get("id").asText()).isEqualTo(id);
        assertThat(withoutId(video)).isEqualTo(withoutId(VideoFixtures.tree("video-in-progress.json")));
        RecordedRequest sent = upstream.takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getMethod()).isEqualTo("GET");
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/videos/" + UPSTREAM_ID);
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer upstream-secret-key");
    }

    @Test
    void polls_and_downloads_are_not_billed() throws Exception {
        VideoFixtures.addBarrier(proxy, KEY);
        String id = createTask();
        upstream.enqueue(VideoFixtures.answer("video-completed.json"));
        upstream.enqueue(new MockResponse.Builder().setHeader("Content-Type", "video/mp4").body("mp4").build());

        try (Response poll = proxy.execute(VideoFixtures.get(proxy, "/v1/videos/" + id, KEY));
             Response file = proxy.execute(VideoFixtures.get(proxy, "/v1/videos/" + id + "/content", KEY))) {
            assertThat(poll.code()).isEqualTo(200);
            assertThat(file.body().string()).isEqualTo("mp4");
        }

        assertThat(VideoFixtures.rowsSoFar(proxy, KEY)).singleElement().returns("videos", Usage::endpoint);
    }

    @Test
    void a_poll_goes_to_the_provider_that_made_the_task_even_when_another_now_serves_the_model() throws Exception {
        try (MockWebServer second = new MockWebServer()) {
            second.start();
            long secondId = proxy.database().dao(ProviderDao.class).insert(new NewProvider("Second", ProviderKind.OPENAI,
                    second.url("/api/v1").toString(), "second-server-key", KEY, "", true, 1L, ""));
            proxy.addModel(secondId, "kling-1", ModelType.VIDEO);
            second.enqueue(VideoFixtures.answer("video-queued.json"));
            String id;
            try (Response response = proxy.execute(proxy.post("/v1/videos", KEY,
                    "{\"model\":\"kling-1\",\"prompt\":\"A paper boat on a river\"}"))) {
                assertThat(response.code()).isEqualTo(200);
                id = Sse.tree(response.body().string()).get("id").asText();
            }
            assertThat(second.takeRequest(5, TimeUnit.SECONDS).getUrl().encodedPath()).isEqualTo("/api/v1/videos");
            proxy.addModel(gateway.providerId(), "kling-1", ModelType.VIDEO);  // the lower id would now win a create
            second.enqueue(VideoFixtures.answer("video-completed.json"));

            try (Response response = proxy.execute(VideoFixtures.get(proxy, "/v1/videos/" + id, KEY))) {
                assertThat(response.code()).isEqualTo(200);
                assertThat(Sse.tree(response.body().string()).get("status").asText()).isEqualTo("completed");
            }

            RecordedRequest poll = second.takeRequest(5, TimeUnit.SECONDS);
            assertThat(poll.getUrl().encodedPath()).isEqualTo("/api/v1/videos/" + UPSTREAM_ID);
            assertThat(poll.getHeaders().get("Authorization")).isEqualTo("Bearer second-server-key");
            assertThat(upstream.getRequestCount()).isZero();
        }
    }

    @Test
    void the_file_is_relayed_with_the_upstreams_headers_and_the_variant_passed_on() throws Exception {
        String id = createTask();
        byte[] file = new byte[300_000];
        ThreadLocalRandom.current().nextBytes(file);
        upstream.enqueue(new MockResponse.Builder().setHeader("Content-Type", "image/webp")
                .body(new Buffer().write(file)).build());

        try (Response response = proxy.execute(VideoFixtures.get(proxy,
                "/v1/videos/" + id + "/content?variant=thumbnail", KEY))) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).isEqualTo("image/webp");
            assertThat(response.header("Content-Length")).isEqualTo(Integer.toString(file.length));
            assertThat(response.body().bytes()).isEqualTo(file);
        }

        RecordedRequest sent = upstream.takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/videos/" + UPSTREAM_ID + "/content");
        assertThat(sent.getUrl().queryParameter("variant")).isEqualTo("thumbnail");
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer upstream-secret-key");
    }

    @Test
    void the_file_streams_its_first_bytes_to_the_client_before_the_upstream_sent_the_rest() throws Exception {
        String id = createTask();
        byte[] file = new byte[2 * 1024 * 1024];
        ThreadLocalRandom.current().nextBytes(file);
        int firstBytes = 256 * 1024;
        CountDownLatch release = new CountDownLatch(1);
        upstream.enqueue(new MockResponse.Builder().setHeader("Content-Type", "video/mp4")
                .body(new HeldBody(file, firstBytes, release)).build());

        try (Response response = proxy.execute(VideoFixtures.get(proxy, "/v1/videos/" + id + "/content", KEY))) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Length")).isEqualTo(Integer.toString(file.length));
            byte[] first = response.body().source().readByteArray(firstBytes);  // the upstream holds the rest
            assertThat(release.getCount()).isOne();
            release.countDown();
            byte[] rest = response.body().source().readByteArray();

            Buffer whole = new Buffer().write(first).write(rest);
            assertThat(whole.readByteArray()).isEqualTo(file);
        } finally {
            release.countDown();
        }
    }

    @Test
    void another_keys_task_and_an_unknown_id_get_the_same_404() throws Exception {
        proxy.addProvider("Other", ProviderKind.OPENAI, upstream.url("/v1").toString(), "other-key");
        String id = createTask();
        int upstreamCalls = upstream.getRequestCount();

        ErrorBody othersTask;
        ErrorBody othersFile;
        ErrorBody unknown;
        try (Response task = proxy.execute(VideoFixtures.get(proxy, "/v1/videos/" + id, "other-key"));
             Response file = proxy.execute(VideoFixtures.get(proxy, "/v1/videos/" + id + "/content", "other-key"));
             Response none = proxy.execute(VideoFixtures.get(proxy, "/v1/videos/video_0123", KEY))) {
            assertThat(List.of(task.code(), file.code(), none.code())).containsOnly(404);
            othersTask = ErrorBody.of(task.body().string());
            othersFile = ErrorBody.of(file.body().string());
            unknown = ErrorBody.of(none.body().string());
        }

        assertThat(othersTask.withoutMessage()).isEqualTo(ErrorBody.of("invalid_request_error", "not_found", null));
        assertThat(othersFile).isEqualTo(othersTask);
        assertThat(unknown.withoutMessage()).isEqualTo(othersTask.withoutMessage());
        assertThat(othersTask.message().replace(id, "?")).isEqualTo(unknown.message().replace("video_0123", "?"));
        assertThat(upstream.getRequestCount()).isEqualTo(upstreamCalls);
    }

    @Test
    void a_task_whose_provider_was_disabled_or_deleted_is_404_saying_so() throws Exception {
        proxy.addProvider("Still here", ProviderKind.OPENAI, upstream.url("/v1").toString(), KEY);  // the key still opens
        String id = createTask();
        ProviderDao providers = proxy.database().dao(ProviderDao.class);
        Provider made = providers.findById(gateway.providerId()).orElseThrow();
        providers.update(new Provider(made.id(), made.name(), made.kind(), made.serverUrl(), made.serverKey(),
                made.personalizedKey(), made.description(), false, made.createdAtMillis(), made.httpProxy()));

        try (Response response = proxy.execute(VideoFixtures.get(proxy, "/v1/videos/" + id, KEY))) {
            assertThat(response.code()).isEqualTo(404);
            ErrorBody error = ErrorBody.of(response.body().string());
            assertThat(error.code()).isEqualTo("not_found");
            assertThat(error.message()).contains(id, "disabled or deleted");
        }
        providers.deleteById(gateway.providerId());
        try (Response response = proxy.execute(VideoFixtures.get(proxy, "/v1/videos/" + id + "/content", KEY))) {
            assertThat(response.code()).isEqualTo(404);
            assertThat(ErrorBody.of(response.body().string()).message()).contains("disabled or deleted");
        }
    }
}
