package nexus.proxy.failover;

import static nexus.proxy.failover.TwoProviders.CHAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.Sse;
import nexus.shared.db.ModelType;
import nexus.shared.db.Route;
import nexus.shared.db.RouteDao;
import nexus.shared.db.RouteTarget;
import nexus.shared.db.UpstreamHealth;
import nexus.shared.db.Usage;

/**
 * Both providers of a model failing: five failures open each target, the proxy publishes that to
 * {@code upstream_health}, and with every target open the one that failed least recently is still tried, so the
 * model answers again as soon as a provider is back. A route with health settings of its own has circuits of its own,
 * each published as a row of its own, until the route is deleted.
 */
class UpstreamHealthTest {

    private static final int FAILURES_TO_OPEN = 5;

    @RegisterExtension
    final TwoProviders gateway = new TwoProviders();

    @Test
    void targets_open_after_five_failures_are_published_and_the_least_recently_failed_is_still_tried()
            throws Exception {
        for (int call = 0; call < FAILURES_TO_OPEN; call++) {
            gateway.first().enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"first down\"}}"));
            gateway.second().enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"second down\"}}"));
            try (Response response = gateway.chat(CHAT)) {
                assertThat(response.code()).isEqualTo(503);
                assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
                assertThat(response.header("X-Nexus-Attempts")).isEqualTo("2");
            }
        }
        Map<Long, UpstreamHealth> opened = awaitHealth(rows -> rows.size() == 2
                && rows.stream().allMatch(row -> row.state().equals("open")));
        JsonNode report = Sse.tree(opened.get(gateway.firstId()).report());
        assertThat(report.path("requests").asInt()).isEqualTo(FAILURES_TO_OPEN);
        assertThat(report.path("error_rate").asDouble()).isEqualTo(1.0);
        assertThat(report.path("last_error").asText()).contains("first down");
        assertThat(report.has("p50_ms") && report.has("p95_ms") && report.has("ttft_p50_ms")).isTrue();

        gateway.first().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "first is back", 5, 2)));
        try (Response response = gateway.chat(CHAT)) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.body().string()).contains("first is back");
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("First");
        }
        List<Usage> written = gateway.rows(2 * FAILURES_TO_OPEN + 1);
        assertThat(written).filteredOn(Usage::pastOpenCircuit).as("only the call made past the open circuits says so")
                .singleElement().satisfies(row -> assertThat(List.of(row.status(), row.providerId(), row.attempt()))
                        .containsExactly(200, gateway.firstId(), 1));

        assertThat(gateway.second().getRequestCount()).isEqualTo(FAILURES_TO_OPEN);
        awaitHealth(rows -> rows.stream().anyMatch(row -> row.providerId() == gateway.firstId()
                && row.state().equals("closed")));
    }

    @Test
    void a_routes_own_circuit_of_a_target_is_published_as_a_row_of_its_own() throws Exception {
        steadyRoute();

        gateway.first().enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"first down for the route\"}}"));
        gateway.second().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "from second", 5, 2)));
        try (Response response = gateway.chat(CHAT.replace("gpt-4", "steady"))) {
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
        }
        gateway.first().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "from first", 5, 2)));
        try (Response response = gateway.chat(CHAT)) {
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("First");
        }

        List<UpstreamHealth> rows = gateway.awaitHealth(published -> published.size() == 3);

        assertThat(rows).extracting(UpstreamHealth::providerId, UpstreamHealth::route, UpstreamHealth::state)
                .containsExactly(tuple(gateway.firstId(), "", "closed"), tuple(gateway.firstId(), "steady", "open"),
                        tuple(gateway.secondId(), "steady", "closed"));
        assertThat(Sse.tree(rows.get(0).report()).path("error_rate").asDouble()).isZero();
        assertThat(Sse.tree(rows.get(1).report()).path("last_error").asText()).contains("first down for the route");
    }

    @Test
    void the_rows_of_a_deleted_route_go_once_the_proxy_has_seen_it_go() throws Exception {
        long routeId = steadyRoute();
        gateway.first().enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"first down for the route\"}}"));
        gateway.second().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "from second", 5, 2)));
        try (Response response = gateway.chat(CHAT.replace("gpt-4", "steady"))) {
            assertThat(response.header("X-Nexus-Provider")).isEqualTo("Second");
        }
        gateway.awaitHealth(published -> published.stream().filter(row -> row.route().equals("steady")).count() == 2);

        gateway.proxy().database().dao(RouteDao.class).deleteById(routeId);
        gateway.first().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "from first", 5, 2)));
        try (Response response = gateway.chat(CHAT)) {  // the routing table is read again for this request
            assertThat(response.code()).isEqualTo(200);
        }

        List<UpstreamHealth> rows = gateway.awaitHealth(published -> !published.isEmpty()
                && published.stream().noneMatch(row -> row.route().equals("steady")));
        assertThat(rows).extracting(UpstreamHealth::providerId, UpstreamHealth::route, UpstreamHealth::state)
                .containsExactly(tuple(gateway.firstId(), "", "closed"));
    }

    /** A route over both providers' gpt-4 whose own health settings open a target after one failure. */
    private long steadyRoute() {
        RouteDao routes = gateway.proxy().database().dao(RouteDao.class);
        long now = System.currentTimeMillis();
        long routeId = routes.insert(new Route(0, "steady", ModelType.CHAT, "priority", "", true, null, null, null,
                1, null, null, now, now));
        routes.insertTarget(new RouteTarget(routeId, 0, gateway.firstId(), "gpt-4", 1));
        routes.insertTarget(new RouteTarget(routeId, 1, gateway.secondId(), "gpt-4", 1));
        return routeId;
    }

    private Map<Long, UpstreamHealth> awaitHealth(Predicate<List<UpstreamHealth>> condition) {
        return gateway.awaitHealth(condition).stream()
                .collect(Collectors.toMap(UpstreamHealth::providerId, row -> row));
    }
}
