package nexus.proxy.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import mockwebserver3.MockWebServer;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.routes.RoutedGateway.To;
import nexus.shared.db.ModelType;

/** A route retries the same target when attempts outnumber its targets, after the wait the failed answer asked. */
class RouteRetryTest {

    private static final String KEY = "retry-key";

    @RegisterExtension
    final RoutedGateway gateway = new RoutedGateway();

    @Test
    void a_route_of_one_target_retries_it_after_its_retry_after() throws Exception {
        MockWebServer upstream = gateway.upstream();
        upstream.enqueue(OpenAiReplies.json(429, "{\"error\":{\"message\":\"slow down\"}}").newBuilder()
                .setHeader("Retry-After", "1").build());
        upstream.enqueue(OpenAiReplies.json(OpenAiReplies.completion("m", "after the wait", 3, 1)));
        long provider = gateway.provider("Only", upstream, KEY, "");
        gateway.model(provider, "m");
        gateway.route("patient", ModelType.CHAT, "priority", 2, To.of(provider, "m"));

        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
            try (Response response = gateway.chat(KEY, "patient")) {
                return response.code() + " " + response.header("X-Nexus-Attempts") + " " + response.body().string();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        assertThat(upstream.takeRequest(5, TimeUnit.SECONDS)).as("first attempt").isNotNull();
        assertThat(upstream.takeRequest(700, TimeUnit.MILLISECONDS)).as("retried before Retry-After").isNull();
        assertThat(upstream.takeRequest(5, TimeUnit.SECONDS)).as("second attempt").isNotNull();
        assertThat(answer.get(5, TimeUnit.SECONDS)).startsWith("200 2 ").contains("after the wait");
        assertThat(gateway.proxy().awaitUsageRows(2)).extracting(row -> row.status() + "/" + row.attempt())
                .containsExactly("429/1", "200/2");
    }

    @Test
    void a_plain_model_of_one_provider_is_tried_once() throws Exception {
        MockWebServer upstream = gateway.upstream();
        upstream.enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        long provider = gateway.provider("Only", upstream, KEY, "");
        gateway.model(provider, "m");

        try (Response response = gateway.chat(KEY, "m")) {
            assertThat(response.code()).isEqualTo(503);
            assertThat(response.header("X-Nexus-Route")).isNull();
        }
        assertThat(upstream.getRequestCount()).isEqualTo(1);
    }
}
