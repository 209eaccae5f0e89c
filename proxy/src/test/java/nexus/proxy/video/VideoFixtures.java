package nexus.proxy.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.MockResponse;
import okhttp3.Request;
import okhttp3.Response;

import nexus.proxy.Fixtures;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.proxy.Sse;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/** Test helper: the OpenAI videos reference's answers under {@code fixtures/videos/}, and requests for the proxy. */
final class VideoFixtures {

    /** The id every fixture video object carries: the upstream's own. */
    static final String UPSTREAM_ID = "video_68d7512d07848190b3e45da0ecbebcde004da08e1e0678d5";
    static final String CREATE = "{\"model\":\"sora-2\",\"prompt\":\"A calico cat playing a piano on stage\","
            + "\"seconds\":\"8\",\"size\":\"1280x720\"}";

    /** A chat model of the built-in mock kind: a request to it proves, by its usage row, that earlier rows are in. */
    static final String BARRIER_MODEL = "barrier-model";

    private VideoFixtures() {}

    /** Opens {@link #BARRIER_MODEL} to the key. */
    static void addBarrier(ProxyServer proxy, String key) {
        proxy.addProvider("Barrier", ProviderKind.MOCK, "mock://local?chunks=1&delay_ms=0", key, BARRIER_MODEL);
    }

    /**
     * Every usage row recorded so far, the barrier model's left out: rows are written in the order they are recorded,
     * so once a barrier request's row is in, so is every row recorded before it.
     */
    static List<Usage> rowsSoFar(ProxyServer proxy, String key) throws IOException {
        String barrierId;
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", key, "{\"model\":\""
                + BARRIER_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))) {
            assertThat(response.code()).isEqualTo(200);
            barrierId = response.header("X-Request-Id");
        }
        List<Usage> rows = proxy.awaitUsageRows(found -> found.stream().anyMatch(row -> row.requestId().equals(barrierId)));
        assertThat(rows).extracting(Usage::requestId).contains(barrierId);
        return rows.stream().filter(row -> !row.model().equals(BARRIER_MODEL)).toList();
    }

    static String read(String name) {
        return Fixtures.read("videos/" + name);
    }

    static JsonNode tree(String name) {
        return Sse.tree(read(name));
    }

    /** A 200 JSON answer with the fixture's body. */
    static MockResponse answer(String name) {
        return OpenAiReplies.json(read(name));
    }

    /** An upstream error answer with the fixture's body. */
    static MockResponse error(int status, String name) {
        return OpenAiReplies.json(status, read(name));
    }

    /** A GET of a proxy path with a Bearer key. */
    static Request get(ProxyServer proxy, String path, String key) {
        return new Request.Builder().url(proxy.url(path)).header("Authorization", "Bearer " + key).build();
    }
}
