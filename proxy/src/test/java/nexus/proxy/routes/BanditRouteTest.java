package nexus.proxy.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.GenerationIds;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.Sse;
import nexus.proxy.routes.RoutedGateway.To;
import nexus.shared.db.ModelType;
import nexus.shared.db.Route;
import nexus.shared.db.UpstreamHealth;
import nexus.shared.db.UpstreamHealthDao;
import nexus.shared.db.Usage;

/**
 * The learning router through the proxy's port, on a fixed routing seed: ratings sent to {@code POST /v1/feedback}
 * steer a {@code bandit} route to the target its users like, and when that target fails, its circuit opens after the
 * route's {@code health.failures} and the route answers from the other.
 */
class BanditRouteTest {

    private static final String KEY = "bandit-key";
    private static final String ROUTE = "learned";
    /** Rated generations per target: enough that each posterior is narrow, few enough to keep the test quick. */
    private static final int RATED = 20;
    private static final int FAILURES_TO_OPEN = 3;

    @RegisterExtension
    final RoutedGateway gateway = new RoutedGateway();

    @Test
    void ratings_steer_the_route_to_the_liked_target_and_its_failures_move_the_traffic_to_the_other() throws Exception {
        MockWebServer upstreamA = gateway.alwaysAnswering(0);
        long a = gateway.provider("A", upstreamA, KEY, "");
        long b = gateway.provider("B", gateway.alwaysAnswering(0), KEY, "");
        gateway.model(a, "alpha");
        gateway.model(b, "beta");
        long now = System.currentTimeMillis();
        // the cooldown outlasts the test, so no half-open probe reaches A while it is down
        gateway.route(new Route(0, ROUTE, ModelType.CHAT, "bandit", "", true, null, null, null, FAILURES_TO_OPEN,
                60_000L, 600_000L, now, now), To.of(a, "alpha"), To.of(b, "beta"));

        Map<String, List<String>> generations = generationsOfBoth();
        rateFirst(generations.get("A"), RATED * 9 / 10);
        rateFirst(generations.get("B"), RATED / 10);

        Map<String, Integer> answered = new HashMap<>();
        for (int call = 0; call < 500; call++) {
            try (Response response = gateway.chat(KEY, ROUTE)) {
                assertThat(response.code()).isEqualTo(200);
                answered.merge(response.header("X-Nexus-Provider"), 1, Integer::sum);
            }
        }
        // A's posterior is Beta(19, 3) and B's Beta(3, 19): B's draw beats A's with a chance under 1e-7, so B is
        // expected first in 500 requests 0.00004 times; at most 25 of them (5 %) is safe for any seed.
        assertThat(answered.getOrDefault("A", 0)).as(answered.toString()).isGreaterThanOrEqualTo(475);

        upstreamA.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return OpenAiReplies.json(503, "{\"error\":{\"message\":\"A is down\"}}");
            }
        });
        int beforeDown = upstreamA.getRequestCount();
        List<String> attempts = new ArrayList<>();
        String fallbackGeneration = null;
        for (int call = 0; call < 20; call++) {
            try (Response response = gateway.chat(KEY, ROUTE)) {
                assertThat(response.code()).isEqualTo(200);
                assertThat(response.header("X-Nexus-Provider")).isEqualTo("B");
                attempts.add(response.header("X-Nexus-Attempts"));
                fallbackGeneration = call == 0 ? response.header(GenerationIds.HEADER) : fallbackGeneration;
            }
        }
        // A failing still draws first (three failures only bring its posterior to Beta(19, 6)) until its circuit
        // opens after the route's health.failures; then it is skipped for the whole cooldown
        assertThat(upstreamA.getRequestCount() - beforeDown).isEqualTo(FAILURES_TO_OPEN);
        assertThat(attempts.subList(0, FAILURES_TO_OPEN)).containsOnly("2");
        assertThat(attempts.subList(FAILURES_TO_OPEN, attempts.size())).containsOnly("1");
        assertThat(awaitHealth(a, "open").modelName()).isEqualTo("alpha");
        int calls = generations.values().stream().mapToInt(List::size).sum() + 500 + 20 + FAILURES_TO_OPEN;
        List<Usage> failed = gateway.proxy().awaitUsageRows(calls).stream().filter(row -> row.status() != 200)
                .toList();
        assertThat(failed).hasSize(FAILURES_TO_OPEN).allSatisfy(row -> {
            assertThat(row.providerId()).isEqualTo(a);
            assertThat(row.status()).isEqualTo(503);
            assertThat(row.route()).isEqualTo(ROUTE);
            assertThat(row.attempt()).isEqualTo(1);
        });
        JsonNode credited = rate(fallbackGeneration, 1);
        assertThat(List.of(credited.path("provider_id").asLong(), credited.path("model").asText(),
                credited.path("route").asText())).as("a fallback's answer is rated for the target that gave it")
                .containsExactly(b, "beta", ROUTE);
    }

    /**
     * Calls the route until each target answered {@link #RATED} times; the generation ids by provider name. Nothing
     * is rated yet, so both posteriors are the uniform prior and the route itself serves both targets.
     */
    private Map<String, List<String>> generationsOfBoth() throws Exception {
        Map<String, List<String>> generations = new HashMap<>();
        for (int call = 0; call < 10 * RATED && !(enough(generations, "A") && enough(generations, "B")); call++) {
            try (Response response = gateway.chat(KEY, ROUTE)) {
                assertThat(response.code()).isEqualTo(200);
                generations.computeIfAbsent(response.header("X-Nexus-Provider"), name -> new ArrayList<>())
                        .add(response.header(GenerationIds.HEADER));
            }
        }
        assertThat(enough(generations, "A") && enough(generations, "B")).as(generations.toString()).isTrue();
        return generations;
    }

    private static boolean enough(Map<String, List<String>> generations, String provider) {
        return generations.getOrDefault(provider, List.of()).size() >= RATED;
    }

    /** Rates the first {@link #RATED} generations: the first {@code up} with a thumbs up, the others down. */
    private void rateFirst(List<String> generations, int up) throws Exception {
        for (int index = 0; index < RATED; index++) {
            rate(generations.get(index), index < up ? 1 : -1);
        }
    }

    /** Rates a generation with the key that made it, as its first rating; the stored rating. */
    private JsonNode rate(String generationId, int rating) throws Exception {
        String body = "{\"generation_id\":\"" + generationId + "\",\"rating\":" + rating + "}";
        try (Response response = gateway.proxy().execute(gateway.proxy().post("/v1/feedback", KEY, body))) {
            String answer = response.body().string();
            assertThat(response.code()).as(answer).isEqualTo(201);
            return Sse.tree(answer);
        }
    }

    /** Polls what the proxy publishes (about once a second) until the provider's target is in that state. */
    private UpstreamHealth awaitHealth(long providerId, String state) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<UpstreamHealth> rows = gateway.proxy().database().dao(UpstreamHealthDao.class).listAll();
            for (UpstreamHealth row : rows) {
                if (row.providerId() == providerId && row.state().equals(state)) {
                    return row;
                }
            }
            assertThat(System.nanoTime()).as("%s within 10 s: %s", state, rows).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));  // a poll interval, not a wait for an outcome
        }
    }
}
