package nexus.proxy.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyServer;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.conversations.ChatSocket;
import nexus.proxy.usage.TokenCounter;
import nexus.shared.db.Usage;

/**
 * An issued key's rpm and tpm as a client sees them on the proxy's port: OpenAI's {@code x-ratelimit-*} headers on
 * every answer, 429 {@code rate_limit_exceeded} with {@code Retry-After} when a limit is reached (nothing sent
 * upstream, nothing recorded), and the window refilling as time passes. Keys are issued by a real admin.
 */
class RateLimitsOverHttpTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MESSAGES = "[{\"role\":\"user\",\"content\":\"How many tokens is this prompt?\"}]";
    private static final String CHAT = "{\"model\":\"gpt-4\",\"messages\":" + MESSAGES + "}";
    private static final Pattern GO_DURATION =
            Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:([\\d.]+)s)?(?:(\\d+)ms)?");

    @RegisterExtension
    final ProxyWithUpstream upstream = new ProxyWithUpstream();
    ProxyServer proxy;
    AdminDesk admin;

    @BeforeEach
    void start() {
        proxy = upstream.proxy();
        admin = AdminDesk.over(proxy);
        answerEveryCallWith(100);
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    @Test
    void with_rpm_2_the_third_call_is_a_429_with_retry_after_and_the_headers_of_every_answer_count_down()
            throws Exception {
        String key = admin.issue("\"rpm\":2").fullKey();
        long start = System.nanoTime();

        Answer first = chat(key, CHAT);
        Answer second = chat(key, CHAT);
        Answer third = chat(key, CHAT);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("x-ratelimit-limit-requests")).isEqualTo("2");
        assertThat(first.header("x-ratelimit-remaining-requests")).isEqualTo("1");
        assertThat(first.header("x-ratelimit-reset-requests")).as("one request back in 60 s / 2").isEqualTo("30s");
        assertThat(first.header("x-ratelimit-limit-tokens")).as("no tpm, no token headers").isNull();
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.header("x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(millis(second.header("x-ratelimit-reset-requests"))).isBetween(60_000 - elapsedMillis, 60_000L);

        assertThat(third.status()).isEqualTo(429);
        assertThat(third.error().path("code").textValue()).isEqualTo("rate_limit_exceeded");
        assertThat(third.error().path("type").textValue()).isEqualTo("rate_limit_error");
        assertThat(third.error().path("message").textValue()).contains("requests per minute", "limit 2");
        assertThat(Long.parseLong(third.header("Retry-After"))).as("whole seconds until one request is back")
                .isBetween(30 - elapsedMillis / 1000 - 1, 30L);
        assertThat(third.header("x-ratelimit-limit-requests")).isEqualTo("2");
        assertThat(third.header("x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(millis(third.header("x-ratelimit-reset-requests"))).isBetween(60_000 - elapsedMillis, 60_000L);

        assertThat(upstream.upstream().getRequestCount()).as("the refused call never went upstream").isEqualTo(2);
        assertThat(proxy.usageRowsBeforeABarrier()).as("and wrote no usage row").hasSize(2);
    }

    @Test
    void with_rpm_60_a_request_is_back_within_about_a_second_of_the_429_and_only_one() throws Exception {
        String key = admin.issue("\"rpm\":60").fullKey();
        Answer refused = null;
        for (int call = 0; call < 300 && refused == null; call++) {
            Answer answer = chat(key, CHAT);
            refused = answer.status() == 429 ? answer : null;
        }
        assertThat(refused).as("60 requests a minute run out").isNotNull();
        long refusedAt = System.nanoTime();
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(millis(refused.header("x-ratelimit-reset-requests"))).isBetween(59_000L, 60_000L);

        Answer recovered = chat(key, CHAT);
        long deadline = refusedAt + TimeUnit.SECONDS.toNanos(10);
        while (recovered.status() == 429 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));  // a poll interval, not a wait for an outcome
            recovered = chat(key, CHAT);
        }
        long recoveredAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - refusedAt);

        assertThat(recovered.status()).isEqualTo(200);
        assertThat(recoveredAfterMillis).as("back within the Retry-After, with slack for a busy machine")
                .isLessThan(2_500);
        assertThat(recovered.header("x-ratelimit-remaining-requests")).isEqualTo("0");
    }

    @Test
    void with_a_tpm_every_answer_carries_the_token_headers_and_the_real_count_replaces_the_estimate()
            throws Exception {
        answerEveryCallWith(320);
        String key = admin.issue("\"tpm\":300").fullKey();
        long estimate = new TokenCounter().countPrompt(MAPPER.readTree(MESSAGES), "gpt-4");

        Answer first = chat(key, CHAT);
        Answer second = chat(key, CHAT);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("x-ratelimit-limit-requests")).as("a new key's default rpm").isEqualTo("100");
        assertThat(first.header("x-ratelimit-remaining-requests")).isEqualTo("99");
        assertThat(first.header("x-ratelimit-limit-tokens")).isEqualTo("300");
        assertThat(first.header("x-ratelimit-remaining-tokens")).as("the prompt's estimate taken at admission")
                .isEqualTo(Long.toString(300 - estimate));
        assertThat(millis(first.header("x-ratelimit-reset-tokens"))).as("300 tokens a minute: 200 ms each")
                .isEqualTo(estimate * 200);
        assertThat(second.status()).as("the first call's 321 real tokens overdraw the minute").isEqualTo(429);
        assertThat(second.error().path("code").textValue()).isEqualTo("rate_limit_exceeded");
        assertThat(second.error().path("message").textValue()).contains("tokens per minute");
        assertThat(second.header("Retry-After")).isNotNull();
        assertThat(second.header("x-ratelimit-limit-tokens")).isEqualTo("300");
        assertThat(second.header("x-ratelimit-remaining-requests")).as("a refused call does not count").isEqualTo("99");
        assertThat(upstream.upstream().getRequestCount()).isEqualTo(1);
        assertThat(proxy.usageRowsBeforeABarrier()).extracting(Usage::totalTokens).containsExactly(321L);
    }

    @Test
    void a_prompt_estimated_over_the_tpm_is_a_429_that_no_wait_cures() throws Exception {
        String key = admin.issue("\"tpm\":50").fullKey();
        String longPrompt = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "many words ".repeat(100) + "\"}]}";

        Answer answer = chat(key, longPrompt);

        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.error().path("code").textValue()).isEqualTo("rate_limit_exceeded");
        assertThat(answer.error().path("message").textValue()).contains("limit 50", "requested 20");
        assertThat(answer.header("Retry-After")).as("waiting would not help").isNull();
        assertThat(answer.header("x-ratelimit-remaining-tokens")).as("nothing was taken").isEqualTo("50");
        assertThat(upstream.upstream().getRequestCount()).isZero();
        assertThat(proxy.usageRowsBeforeABarrier()).isEmpty();
    }

    @Test
    void over_the_websocket_a_limited_key_gets_an_error_frame_and_the_connection_stays_usable() throws Exception {
        String key = admin.issue("\"rpm\":1").fullKey();
        try (ChatSocket socket = new ChatSocket(proxy, key)) {
            List<JsonNode> answered = socket.ask(CHAT);
            List<JsonNode> refused = socket.ask(CHAT);

            assertThat(answered.getLast().path("type").textValue()).as("%s", answered).isEqualTo("done");
            assertThat(refused).singleElement().satisfies(frame -> {
                assertThat(frame.path("type").textValue()).isEqualTo("error");
                assertThat(frame.path("error").path("code").textValue()).isEqualTo("rate_limit_exceeded");
                assertThat(frame.path("error").path("type").textValue()).isEqualTo("rate_limit_error");
                assertThat(frame.path("error").path("message").textValue()).contains("Please try again in");
            });
        }
        assertThat(upstream.upstream().getRequestCount()).isEqualTo(1);
        assertThat(proxy.usageRowsBeforeABarrier()).hasSize(1);
    }

    @Test
    void streams_anthropic_messages_and_upstream_errors_carry_the_keys_headers_not_the_upstreams() throws Exception {
        String key = admin.issue("\"rpm\":10,\"tpm\":100000").fullKey();
        upstream.upstream().setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                boolean stream = request.getBody().utf8().contains("\"stream\":true");
                boolean fail = request.getBody().utf8().contains("upstream fails");
                MockResponse.Builder answer = fail
                        ? OpenAiReplies.json(500, "{\"error\":{\"message\":\"down\",\"type\":\"server_error\"}}")
                                .newBuilder()
                        : stream ? new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                                .body(OpenAiReplies.sseBody("c1", "gpt-4", 1, 1, 5, List.of("x")))
                        : OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "x", 1, 5)).newBuilder();
                return answer.setHeader("x-ratelimit-limit-requests", "10000")
                        .setHeader("x-ratelimit-remaining-requests", "9999").build();
            }
        });

        Answer json = chat(key, CHAT);
        Response streamed = send(key, "/v1/chat/completions", "{\"model\":\"gpt-4\",\"stream\":true,"
                + "\"messages\":" + MESSAGES + "}");
        Response messages = send(key, "/v1/messages", "{\"model\":\"gpt-4\",\"max_tokens\":5,"
                + "\"messages\":" + MESSAGES + "}");
        Answer failed = chat(key, "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"upstream fails\"}]}");

        assertThat(json.header("x-ratelimit-remaining-requests")).isEqualTo("9");
        assertThat(List.of(streamed, messages)).extracting(Response::code).containsOnly(200);
        assertThat(streamed.header("x-ratelimit-remaining-requests")).isEqualTo("8");
        assertThat(messages.header("x-ratelimit-remaining-requests")).isEqualTo("7");
        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.header("x-ratelimit-remaining-requests")).isEqualTo("6");
        for (Response answer : List.of(json.response(), streamed, messages, failed.response())) {
            assertThat(answer.header("x-ratelimit-limit-requests")).as("the key's rpm, not the upstream's")
                    .isEqualTo("10");
            assertThat(answer.header("x-ratelimit-limit-tokens")).isEqualTo("100000");
            assertThat(answer.header("x-ratelimit-remaining-tokens")).isNotNull();
            assertThat(answer.header("x-ratelimit-reset-tokens")).isNotNull();
        }
    }

    @Test
    void a_key_with_an_rpm_alone_shows_none_of_the_upstreams_token_headers() throws Exception {
        String key = admin.issue("\"rpm\":10").fullKey();
        upstream.upstream().setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "x", 1, 5)).newBuilder()
                        .setHeader("x-ratelimit-limit-tokens", "2000000")
                        .setHeader("x-ratelimit-remaining-tokens", "1999990")
                        .setHeader("anthropic-ratelimit-requests-limit", "50").build();
            }
        });

        Answer answer = chat(key, CHAT);

        assertThat(answer.header("x-ratelimit-limit-requests")).isEqualTo("10");
        assertThat(answer.header("x-ratelimit-limit-tokens")).as("the provider account's, not this key's").isNull();
        assertThat(answer.header("x-ratelimit-remaining-tokens")).isNull();
        assertThat(answer.header("anthropic-ratelimit-requests-limit")).isEqualTo("50");
    }

    /** Go's duration format as OpenAI writes it ({@code 1m0s}, {@code 8.64s}, {@code 20ms}) in milliseconds. */
    static long millis(String duration) {
        Matcher parts = GO_DURATION.matcher(duration);
        assertThat(parts.matches()).as("a Go duration: %s", duration).isTrue();
        double seconds = parts.group(3) == null ? 0 : Double.parseDouble(parts.group(3));
        return TimeUnit.HOURS.toMillis(number(parts.group(1))) + TimeUnit.MINUTES.toMillis(number(parts.group(2)))
                + Math.round(seconds * 1000) + number(parts.group(4));
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }

    private void answerEveryCallWith(int completionTokens) {
        upstream.upstream().setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (request.getBody().utf8().contains("\"stream\":true")) {  // a WebSocket call streams upstream
                    return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(
                            OpenAiReplies.sseBody("c1", "gpt-4", 1, 1, completionTokens, List.of("x"))).build();
                }
                return OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "x", 1, completionTokens));
            }
        });
    }

    /** A POST whose body is read whole and dropped; its headers are kept. */
    private Response send(String key, String path, String body) throws IOException {
        try (Response response = proxy.execute(proxy.post(path, key, body))) {
            response.body().string();
            return response;
        }
    }

    private Answer chat(String key, String body) throws IOException {
        try (Response response = proxy.execute(proxy.post("/v1/chat/completions", key, body))) {
            return new Answer(response, MAPPER.readTree(response.body().string()));
        }
    }

    /** A proxy answer read whole. */
    private record Answer(Response response, JsonNode body) {

        int status() {
            return response.code();
        }

        /** The header's value, null without it; an answer never carries one of these twice. */
        String header(String name) {
            List<String> values = response.headers(name);
            assertThat(values).as(name + " at most once").hasSizeLessThanOrEqualTo(1);
            return values.isEmpty() ? null : values.getFirst();
        }

        JsonNode error() {
            return body.path("error");
        }
    }
}
