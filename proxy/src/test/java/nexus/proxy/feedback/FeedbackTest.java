package nexus.proxy.feedback;

import static nexus.proxy.ProxyWithUpstream.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import nexus.proxy.ErrorBody;
import nexus.proxy.GenerationIds;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.Sse;
import nexus.proxy.routing.Caller;
import nexus.proxy.routing.bandit.BanditStats;
import nexus.proxy.routing.bandit.Evidence;
import nexus.shared.db.ApiKey;
import nexus.shared.db.ApiKeyDao;
import nexus.shared.db.Feedback;
import nexus.shared.db.FeedbackDao;
import nexus.shared.secret.KeyHash;

/** POST /v1/feedback through the proxy's port: a key rates its own generations, and only those. */
class FeedbackTest {

    private static final String ISSUED = "sk-nx-FeedbackKeyAbcdefghijklmnopqrstuvwxyz012345";
    private static final String CHAT = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM = "{\"model\":\"gpt-4\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();
    ProxyServer proxy;
    long keyId;

    @BeforeEach
    void issueKey() {
        proxy = gateway.proxy();
        keyId = proxy.database().dao(ApiKeyDao.class).insert(new ApiKey(0, "test", KeyHash.of(ISSUED),
                ISSUED.substring(0, 10) + "…", true, "", null, null, null, false, null, "", "", null, 1L, 1L));
    }

    @Test
    void a_rating_sent_right_after_the_answer_is_stored_with_where_the_generation_came_from() throws Exception {
        String id = generation(KEY);

        Reply reply = rate("/v1/feedback", "Authorization", "Bearer " + KEY, "{\"generation_id\":\"" + id
                + "\",\"rating\":1,\"comment\":\"Spot on ✓\",\"tags\":[\"accurate\",\"fast\",\"accurate\"]}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        JsonNode body = Sse.tree(reply.body());
        assertThat(body.path("generation_id").asText()).isEqualTo(id);
        assertThat(body.path("rating").asInt()).isEqualTo(1);
        assertThat(body.path("comment").asText()).isEqualTo("Spot on ✓");
        assertThat(body.path("tags").toString()).isEqualTo("[\"accurate\",\"fast\"]");
        assertThat(body.path("route").isNull()).isTrue();
        assertThat(body.path("model").asText()).isEqualTo("gpt-4");
        assertThat(body.path("provider_id").asLong()).isEqualTo(gateway.providerId());
        assertThat(body.path("created_at").asLong()).isPositive().isEqualTo(body.path("updated_at").asLong());
        Feedback row = stored(id).orElseThrow();
        assertThat(row).isEqualTo(new Feedback(id, Caller.personalOwner(KEY), 1, "Spot on ✓",
                "[\"accurate\",\"fast\"]", null, gateway.providerId(), "gpt-4", row.createdAtMillis(),
                row.createdAtMillis()));
    }

    @Test
    void a_second_rating_replaces_the_first_and_keeps_when_it_was_first_given() throws Exception {
        String id = generation(KEY);
        assertThat(rate("/v1/feedback", "Authorization", "Bearer " + KEY, "{\"generation_id\":\"" + id
                + "\",\"rating\":1,\"comment\":\"good\",\"tags\":[\"x\"]}").status()).isEqualTo(201);
        Feedback first = stored(id).orElseThrow();

        Reply reply = rate("/feedback", "x-api-key", KEY, "{\"generation_id\":\"" + id + "\",\"rating\":-1}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode body = Sse.tree(reply.body());
        assertThat(body.path("rating").asInt()).isEqualTo(-1);
        assertThat(body.path("comment").isNull()).isTrue();
        assertThat(body.path("tags").toString()).isEqualTo("[]");
        Feedback second = stored(id).orElseThrow();
        assertThat(second.createdAtMillis()).isEqualTo(first.createdAtMillis());
        assertThat(second.updatedAtMillis()).isGreaterThanOrEqualTo(first.updatedAtMillis());
        assertThat(List.of(second.rating(), second.tags())).containsExactly(-1, "[]");
        assertThat(second.comment()).isNull();
    }

    @Test
    void a_rating_reaches_the_learning_router_for_the_target_that_served_it_and_a_second_one_replaces_it()
            throws Exception {
        String id = generation(KEY);
        BanditStats bandit = proxy.app().bandit();
        assertThat(bandit.evidence(gateway.providerId(), "gpt-4")).isEqualTo(Evidence.NONE);

        assertThat(rate("/v1/feedback", "Authorization", "Bearer " + KEY, rating(id)).status()).isEqualTo(201);
        Evidence liked = bandit.evidence(gateway.providerId(), "gpt-4");
        assertThat(rate("/v1/feedback", "Authorization", "Bearer " + KEY, "{\"generation_id\":\"" + id
                + "\",\"rating\":-1}").status()).isEqualTo(200);
        Evidence disliked = bandit.evidence(gateway.providerId(), "gpt-4");

        assertThat(liked.up()).isCloseTo(1, within(1e-3));
        assertThat(liked.down()).isZero();
        assertThat(disliked.up()).isCloseTo(0, within(1e-3));
        assertThat(disliked.down()).isCloseTo(1, within(1e-3));
    }

    @Test
    void an_issued_key_rates_its_own_generations_and_neither_key_rates_the_other_ones() throws Exception {
        String issuedOne = generation(ISSUED);
        String personalOne = generation(KEY);

        assertThat(rate("/v1/feedback", "x-api-key", ISSUED, rating(issuedOne)).status()).isEqualTo(201);
        assertThat(stored(issuedOne).orElseThrow().owner()).isEqualTo("key:" + keyId);
        Reply othersByIssued = rate("/v1/feedback", "Authorization", "Bearer " + ISSUED, rating(personalOne));
        Reply othersByPersonal = rate("/v1/feedback", "Authorization", "Bearer " + KEY, rating(issuedOne));
        Reply unknown = rate("/v1/feedback", "Authorization", "Bearer " + KEY, rating("req_0000000000000000000000ff"));

        for (Reply refused : List.of(othersByIssued, othersByPersonal, unknown)) {
            assertThat(refused.status()).isEqualTo(404);
            assertThat(ErrorBody.of(refused.body()).withoutMessage())
                    .isEqualTo(ErrorBody.of("invalid_request_error", "not_found", null));
        }
        assertThat(ErrorBody.of(othersByIssued.body()).message().replace(personalOne, "ID"))
                .isEqualTo(ErrorBody.of(unknown.body()).message().replace("req_0000000000000000000000ff", "ID"));
        assertThat(stored(personalOne)).isEmpty();
        assertThat(stored(issuedOne).orElseThrow().rating()).isEqualTo(1);
    }

    @Test
    void a_stream_is_rated_right_after_its_end() throws Exception {
        List<String> chunks = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", "Hel", "lo"));
        chunks.add("[DONE]");
        gateway.upstream().enqueue(OpenAiReplies.stream(chunks));
        String id;
        try (Response response = gateway.chat(STREAM)) {
            id = response.header(GenerationIds.HEADER);
            assertThat(response.body().string()).endsWith("data: [DONE]\n\n");
        }

        assertThat(rate("/v1/feedback", "Authorization", "Bearer " + KEY, rating(id)).status()).isEqualTo(201);
        assertThat(stored(id)).isPresent();
    }

    @Test
    void an_unknown_id_is_a_404_at_once_while_a_generation_whose_row_is_queued_is_waited_for() throws Exception {
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + proxy.config().databaseFile());
             Statement lock = other.createStatement()) {
            lock.execute("BEGIN IMMEDIATE");  // the usage writer cannot store the generation's row until COMMIT
            String id = generation(KEY);
            CompletableFuture<Reply> queued = CompletableFuture.supplyAsync(() -> rateOrFail(id));

            long started = System.nanoTime();
            Reply unknown = rate("/v1/feedback", "Authorization", "Bearer " + KEY,
                    rating("req_00000000000000000000ab"));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            lock.execute("COMMIT");

            assertThat(unknown.status()).isEqualTo(404);
            assertThat(took).isLessThan(FeedbackService.LOOKUP_GRACE);  // the grace of a queued row is not waited
            Reply rated = queued.get(10, TimeUnit.SECONDS);
            assertThat(rated.status()).as(rated.body()).isEqualTo(201);
        }
    }

    private Reply rateOrFail(String id) {
        try {
            return rate("/v1/feedback", "Authorization", "Bearer " + KEY, rating(id));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_rating_without_a_key_is_refused() throws Exception {
        try (Response response = proxy.execute(proxy.postWithHeaders("/v1/feedback", rating("req_x")))) {
            assertThat(response.code()).isEqualTo(401);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"rating\":1}                                                      | generation_id",
        "{\"generation_id\":7,\"rating\":1}                                   | generation_id",
        "{\"generation_id\":\"\",\"rating\":1}                                | generation_id",
        "{\"generation_id\":\"req_1\"}                                        | rating",
        "{\"generation_id\":\"req_1\",\"rating\":0}                           | rating",
        "{\"generation_id\":\"req_1\",\"rating\":\"1\"}                       | rating",
        "{\"generation_id\":\"req_1\",\"rating\":1.0}                         | rating",
        "{\"generation_id\":\"req_1\",\"rating\":1,\"comment\":5}             | comment",
        "{\"generation_id\":\"req_1\",\"rating\":1,\"tags\":\"a\"}            | tags",
        "{\"generation_id\":\"req_1\",\"rating\":1,\"tags\":[\"\"]}           | tags",
        "{\"generation_id\":\"req_1\",\"rating\":1,\"tags\":[\" \"]}          | tags",
        "{\"generation_id\":\"req_1\",\"rating\":1,\"tags\":[1]}              | tags",
        "{\"generation_id\":\"req_1\",\"rating\":1,\"score\":1}               | score",
    })
    void a_malformed_rating_is_a_400_naming_its_field(String body, String param) throws Exception {
        assertRefused(body, param);
    }

    @Test
    void limits_of_comment_and_tags_are_400s_naming_the_field() throws Exception {
        String id = "\"generation_id\":\"req_1\",\"rating\":1";
        assertRefused("{" + id + ",\"comment\":\"" + "é".repeat(2_001) + "\"}", "comment");
        assertRefused("{" + id + ",\"tags\":[\"" + "t".repeat(51) + "\"]}", "tags");
        assertRefused("{" + id + ",\"tags\":[" + "\"t\",".repeat(10) + "\"u\"]}", "tags");
        assertRefused("{\"generation_id\":\"" + "g".repeat(201) + "\",\"rating\":1}", "generation_id");
        assertRefused("{" + id + ",\"rating\":1}", null);  // a key twice: strict JSON
        assertRefused("[" + id + "]", null);
    }

    @Test
    void a_comment_of_2000_characters_and_ten_tags_of_50_are_taken() throws Exception {
        String id = generation(KEY);
        Reply reply = rate("/v1/feedback", "Authorization", "Bearer " + KEY, "{\"generation_id\":\"" + id
                + "\",\"rating\":-1,\"comment\":\"" + "é".repeat(2_000) + "\",\"tags\":[" + distinct(10) + "]}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        assertThat(Sse.tree(reply.body()).path("tags").size()).isEqualTo(10);
    }

    /** {@code count} different tags of 50 characters each, as JSON strings. */
    private static String distinct(int count) {
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tags.add("\"" + (char) ('a' + i) + "t".repeat(49) + "\"");
        }
        return String.join(",", tags);
    }

    private void assertRefused(String body, String param) throws Exception {
        Reply reply = rate("/v1/feedback", "Authorization", "Bearer " + KEY, body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(ErrorBody.of(reply.body()).withoutMessage())
                .isEqualTo(ErrorBody.of("invalid_request_error", "invalid_request", param));
        assertThat(proxy.database().dao(FeedbackDao.class).find("req_1")).isEmpty();
    }

    /** Makes one chat generation with the key and answers its id. */
    private String generation(String key) throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "hello", 3, 2)));
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", key, CHAT))) {
            assertThat(response.code()).isEqualTo(200);
            return response.header(GenerationIds.HEADER);
        }
    }

    private Reply rate(String path, String header, String value, String json) throws Exception {
        try (Response response = proxy.execute(proxy.postWithHeaders(path, json, header, value))) {
            return Reply.of(response);
        }
    }

    private static String rating(String id) {
        return "{\"generation_id\":\"" + id + "\",\"rating\":1}";
    }

    private Optional<Feedback> stored(String id) {
        return proxy.database().dao(FeedbackDao.class).find(id);
    }
}
