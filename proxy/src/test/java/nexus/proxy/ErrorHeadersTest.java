package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bucket4j.TimeMeter;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import nexus.proxy.limits.RateLimits;
import nexus.shared.json.Json;

/**
 * Rate limits as a client of the proxy's port sees them, on a route made for the test with the proxy's own error
 * renderer: an admitted request carries OpenAI's {@code x-ratelimit-*} headers, and a refused one is a 429 with
 * {@code Retry-After}, the same headers and OpenAI's error body.
 */
class ErrorHeadersTest {

    /** Time stands still, so the counts are exact however slow the machine. */
    private static final TimeMeter STILL_CLOCK = new TimeMeter() {
        @Override
        public long currentTimeNanos() {
            return 0;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    };

    private final OkHttpClient client = new OkHttpClient();
    private final RateLimits limits = new RateLimits(STILL_CLOCK);
    private Javalin server;

    @BeforeEach
    void start() {
        ObjectMapper mapper = Json.newMapper();
        server = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(mapper, false));
            ProxyErrors.install(config, 1024, mapper);
            config.routes.get("/limited", ctx -> {
                limits.admit(1, 1, 1000, 10).writeHeaders(ctx::header);
                ctx.json(Map.of("ok", true));
            });
        }).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
        server.stop();
    }

    @Test
    void the_admitted_answer_carries_the_headers_and_the_refused_one_is_a_429_with_them_and_retry_after()
            throws IOException {
        try (Response admitted = get()) {
            assertThat(admitted.code()).isEqualTo(200);
            assertThat(admitted.header("x-ratelimit-limit-requests")).isEqualTo("1");
            assertThat(admitted.header("x-ratelimit-remaining-requests")).isEqualTo("0");
            assertThat(admitted.header("x-ratelimit-reset-requests")).isEqualTo("1m0s");
            assertThat(admitted.header("x-ratelimit-limit-tokens")).isEqualTo("1000");
            assertThat(admitted.header("x-ratelimit-remaining-tokens")).isEqualTo("990");
            assertThat(admitted.header("x-ratelimit-reset-tokens")).isEqualTo("600ms");
        }

        try (Response refused = get()) {
            assertThat(refused.code()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isEqualTo("60");
            assertThat(refused.header("x-ratelimit-limit-requests")).isEqualTo("1");
            assertThat(refused.header("x-ratelimit-remaining-requests")).isEqualTo("0");
            assertThat(refused.header("x-ratelimit-reset-requests")).isEqualTo("1m0s");
            assertThat(refused.header("x-ratelimit-limit-tokens")).isEqualTo("1000");
            assertThat(refused.header("x-ratelimit-remaining-tokens")).isEqualTo("990");
            assertThat(refused.header("x-ratelimit-reset-tokens")).isEqualTo("600ms");
            ErrorBody body = ErrorBody.of(refused.body().string());
            assertThat(body.withoutMessage()).isEqualTo(ErrorBody.of("rate_limit_error", "rate_limit_exceeded", null));
            assertThat(body.message()).contains("requests per minute");
        }
    }

    private Response get() throws IOException {
        return client.newCall(new Request.Builder().url("http://127.0.0.1:" + server.port() + "/limited").build())
                .execute();
    }
}
