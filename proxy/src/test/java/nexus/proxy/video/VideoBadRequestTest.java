package nexus.proxy.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;

import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import nexus.proxy.ErrorBody;
import nexus.proxy.ProxyServer;
import nexus.shared.db.ModelType;
import nexus.shared.db.ProviderKind;

/**
 * Video requests refused before any upstream is called, in OpenAI's format and the seed platform's: each gets a 400
 * (or 401, 404) naming the field, the upstream sees nothing and no usage row is written.
 */
class VideoBadRequestTest {

    private static final String KEY = "client-key-1";

    @StartStop
    static final MockWebServer upstream = new MockWebServer();

    @TempDir
    static Path dir;

    /** One proxy for the whole class: every test here is refused before anything is recorded, so they do not mix. */
    static ProxyServer proxy;

    @BeforeAll
    static void start() {
        proxy = ProxyServer.start(dir);
        long openAi = proxy.addProvider("OpenAI", ProviderKind.OPENAI, upstream.url("/v1").toString(), KEY, "gpt-4");
        proxy.addModel(openAi, "sora-2", ModelType.VIDEO);
        proxy.addModel(proxy.addProvider("Claude", ProviderKind.ANTHROPIC, upstream.url("/v1").toString(), KEY),
                "claude-video", ModelType.VIDEO);
        VideoFixtures.addBarrier(proxy, KEY);
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @AfterEach
    void nothingWasRecorded() throws Exception {
        assertThat(VideoFixtures.rowsSoFar(proxy, KEY)).isEmpty();
        assertThat(upstream.getRequestCount()).isZero();
    }

    private static ErrorBody refused(Request request, int status) throws Exception {
        try (Response response = proxy.execute(request)) {
            assertThat(response.code()).isEqualTo(status);
            assertThat(response.header("Content-Type")).startsWith("application/json");
            return ErrorBody.of(response.body().string());
        }
    }

    static Stream<Arguments> invalid_creates() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"model\":\"sora-2\",", null, "not valid JSON"),
                Arguments.of("a JSON array", "[]", null, "JSON object"),
                Arguments.of("an empty body", "", null, "empty"),
                Arguments.of("no model", "{\"prompt\":\"A cat\"}", "model", "model"),
                Arguments.of("a number as model", "{\"model\":7,\"prompt\":\"A cat\"}", "model", "string"),
                Arguments.of("no prompt", "{\"model\":\"sora-2\"}", "prompt", "prompt"),
                Arguments.of("a blank prompt", "{\"model\":\"sora-2\",\"prompt\":\"  \"}", "prompt", "empty"),
                Arguments.of("a prompt that is not a string", "{\"model\":\"sora-2\",\"prompt\":[\"A cat\"]}",
                        "prompt", "string"),
                Arguments.of("seconds as an object", "{\"model\":\"sora-2\",\"prompt\":\"A cat\",\"seconds\":{}}",
                        "seconds", "string"),
                Arguments.of("size as a number", "{\"model\":\"sora-2\",\"prompt\":\"A cat\",\"size\":720}", "size",
                        "string"),
                Arguments.of("a chat model", "{\"model\":\"gpt-4\",\"prompt\":\"A cat\"}", "model", "type video"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid_creates")
    void an_invalid_create_is_400_naming_the_field(String name, String body, String param, String messageFragment)
            throws Exception {
        ErrorBody error = refused(proxy.post("/v1/videos", KEY, body), 400);

        assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("invalid_request_error", "invalid_request", param));
        assertThat(error.message()).contains(messageFragment);
    }

    @Test
    void a_multipart_create_without_a_prompt_is_400_naming_it() throws Exception {
        String boundary = "nexus-boundary";
        String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nsora-2\r\n--"
                + boundary + "--\r\n";
        Request request = new Request.Builder().url(proxy.url("/v1/videos")).header("Authorization", "Bearer " + KEY)
                .post(RequestBody.create(form, MediaType.get("multipart/form-data; boundary=" + boundary))).build();

        ErrorBody error = refused(request, 400);

        assertThat(error.param()).isEqualTo("prompt");
    }

    @Test
    void a_video_model_of_a_provider_kind_without_videos_is_400_saying_so() throws Exception {
        for (Request request : new Request[] {
                proxy.post("/v1/videos", KEY, "{\"model\":\"claude-video\",\"prompt\":\"A cat\"}"),
                proxy.post("/api/proxy/video/generate", KEY,
                        "{\"model\":\"claude-video\",\"content\":[{\"type\":\"text\",\"text\":\"A cat\"}]}")}) {
            ErrorBody error = refused(request, 400);

            assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("invalid_request_error", "invalid_request",
                    "model"));
            assertThat(error.message()).contains("Claude", "anthropic", "does not serve videos");
        }
    }

    @Test
    void an_unknown_model_is_404_model_not_found() throws Exception {
        ErrorBody error = refused(proxy.post("/v1/videos", KEY, "{\"model\":\"veo-9\",\"prompt\":\"A cat\"}"), 404);

        assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("invalid_request_error", "model_not_found", "model"));
    }

    @Test
    void a_create_without_a_key_is_401() throws Exception {
        ErrorBody error = refused(proxy.post("/v1/videos", null, VideoFixtures.CREATE), 401);

        assertThat(error.code()).isEqualTo("missing_api_key");
    }

    @Test
    void a_poll_with_an_unknown_key_is_401() throws Exception {
        ErrorBody error = refused(VideoFixtures.get(proxy, "/v1/videos/video_0123", "not-a-key"), 401);

        assertThat(error.code()).isEqualTo("invalid_api_key");
    }

    static Stream<Arguments> invalid_seed_requests() {
        String text = "[{\"type\":\"text\",\"text\":\"A cat\"}]";
        return Stream.of(
                Arguments.of("no model", "{\"content\":" + text + "}", "model"),
                Arguments.of("no content", "{\"model\":\"sora-2\"}", "content"),
                Arguments.of("content as a string", "{\"model\":\"sora-2\",\"content\":\"A cat\"}", "content"),
                Arguments.of("empty content", "{\"model\":\"sora-2\",\"content\":[]}", "content"),
                Arguments.of("only blank text", "{\"model\":\"sora-2\",\"content\":[{\"type\":\"text\",\"text\":\" \"}]}",
                        "content"),
                Arguments.of("an image part", "{\"model\":\"sora-2\",\"content\":[{\"type\":\"text\",\"text\":\"A cat\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}",
                        "content[1].type"),
                Arguments.of("a text part without text", "{\"model\":\"sora-2\",\"content\":[{\"type\":\"text\"}]}",
                        "content[0].text"),
                Arguments.of("an unknown ratio", "{\"model\":\"sora-2\",\"content\":" + text + ",\"ratio\":\"5:4\"}",
                        "ratio"),
                Arguments.of("a ratio that is not a string", "{\"model\":\"sora-2\",\"content\":" + text
                        + ",\"ratio\":1.77}", "ratio"),
                Arguments.of("a fractional duration", "{\"model\":\"sora-2\",\"content\":" + text
                        + ",\"duration\":2.5}", "duration"),
                Arguments.of("a duration of zero", "{\"model\":\"sora-2\",\"content\":" + text + ",\"duration\":0}",
                        "duration"),
                Arguments.of("a duration as text", "{\"model\":\"sora-2\",\"content\":" + text
                        + ",\"duration\":\"five\"}", "duration"),
                Arguments.of("a chat model", "{\"model\":\"gpt-4\",\"content\":" + text + "}", "model"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid_seed_requests")
    void a_seed_request_that_cannot_be_translated_is_400_naming_the_field(String name, String body, String param)
            throws Exception {
        ErrorBody error = refused(proxy.post("/api/proxy/video/generate", KEY, body), 400);

        assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("invalid_request_error", "invalid_request", param));
    }
}
