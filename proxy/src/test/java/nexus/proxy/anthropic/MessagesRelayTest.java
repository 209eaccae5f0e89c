package nexus.proxy.anthropic;

import static nexus.proxy.ProxyWithUpstream.KEY;
import static nexus.proxy.ProxyWithUpstream.assertFailedBeforeAnswer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Call;
import okhttp3.Request;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import nexus.proxy.AnthropicErrorBody;
import nexus.proxy.AnthropicReplies;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.ScriptedSseBody;
import nexus.proxy.Sse;
import nexus.proxy.usage.TokenCounter;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/**
 * POST /v1/messages to a provider of kind anthropic (MockWebServer speaking Anthropic's API): the request and the
 * answer pass as they came, faults end as Anthropic errors, and the usage row counts what the answer reported.
 */
class MessagesRelayTest {

    private static final String MODEL = "claude-sonnet-4-5";
    /** Spacing, key order and fields Nexus does not read, all of which must reach the upstream untouched. */
    private static final String QUESTION = "{ \"max_tokens\": 64, \"model\": \"" + MODEL + "\", \"top_k\": 5,"
            + " \"thinking\": {\"type\": \"enabled\", \"budget_tokens\": 1024}, \"container\": \"c_1\","
            + " \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}] }";
    private static final String STREAMED = "{\"model\":\"" + MODEL + "\",\"max_tokens\":64,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream("Anthropic", ProviderKind.ANTHROPIC, MODEL);

    private Request messages(String json, String... headers) {
        return gateway.proxy().postWithHeaders("/v1/messages", json, headers);
    }

    private Reply send(Request request) throws IOException {
        try (Response response = gateway.proxy().execute(request)) {
            return Reply.of(response);
        }
    }

    @Test
    void a_message_goes_to_the_anthropic_provider_as_it_came_and_its_answer_comes_back_as_it_came() throws Exception {
        String answer = AnthropicReplies.message(MODEL, "Hello!", 21, 188, 9);
        gateway.upstream().enqueue(OpenAiReplies.json(answer));

        Reply reply = send(messages(QUESTION, "x-api-key", KEY, "anthropic-version", "2023-06-01",
                "anthropic-beta", "prompt-caching-2024-07-31"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(reply.body()).isEqualTo(answer);
        RecordedRequest sent = gateway.upstreamRequest();
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/messages");
        assertThat(sent.getBody().utf8()).isEqualTo(QUESTION);
        assertThat(sent.getHeaders().get("x-api-key")).isEqualTo("upstream-secret-key");
        assertThat(sent.getHeaders().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(sent.getHeaders().get("anthropic-beta")).isEqualTo("prompt-caching-2024-07-31");
        assertThat(sent.getHeaders().get("Authorization")).isNull();
        Usage row = gateway.onlyRow();
        assertThat(row.endpoint()).isEqualTo("messages");
        assertThat(row.stream()).isFalse();
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(List.of(row.promptTokens(), row.completionTokens(), row.cacheReadTokens(),
                row.cacheCreationTokens())).containsExactly(21L + 188, 9L, 188L, 0L);
    }

    @Test
    void without_an_anthropic_version_the_default_is_asked_for_and_no_beta_is_invented() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(AnthropicReplies.message(MODEL, "Hi", 5, 0, 1)));

        Reply reply = send(messages(QUESTION, "Authorization", "Bearer " + KEY));

        assertThat(reply.status()).isEqualTo(200);
        RecordedRequest sent = gateway.upstreamRequest();
        assertThat(sent.getHeaders().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(sent.getHeaders().get("anthropic-beta")).isNull();
        assertThat(sent.getHeaders().get("Authorization")).isNull();
    }

    @Test
    void an_answer_without_usage_is_recorded_with_tokens_counted_by_nexus() throws Exception {
        String answer = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + MODEL + "\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Counted here, not upstream.\"}],"
                + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null}";
        gateway.upstream().enqueue(OpenAiReplies.json(answer));

        Reply reply = send(messages(QUESTION, "x-api-key", KEY));

        assertThat(reply.body()).isEqualTo(answer);
        Usage row = gateway.onlyRow();
        TokenCounter tokens = new TokenCounter();
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(row.completionTokens()).isEqualTo(tokens.count("Counted here, not upstream.", MODEL));
        assertThat(row.promptTokens()).isEqualTo(tokens.countPrompt(Sse.tree(QUESTION).path("messages"), MODEL))
                .isPositive();
    }

    @Test
    void a_stream_is_relayed_event_by_event_and_recorded_with_the_usage_it_reported() throws Exception {
        List<String[]> events = AnthropicReplies.streamEvents(MODEL, 25, 100, 15, "Hel", "lo", "!");
        gateway.upstream().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .chunkedBody(AnthropicReplies.sse(events), 48).build());

        Reply reply = send(messages(STREAMED, "x-api-key", KEY));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/event-stream");
        assertThat(Sse.events(reply.body())).containsExactlyElementsOf(
                events.stream().map(event -> new Sse.Event(event[0], event[1])).toList());
        assertThat(Sse.tree(gateway.upstreamRequest().getBody().utf8()).path("stream").asBoolean()).isTrue();
        Usage row = gateway.onlyRow();
        assertThat(row.stream()).isTrue();
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(List.of(row.promptTokens(), row.completionTokens(), row.cacheReadTokens()))
                .containsExactly(125L, 15L, 100L);
        assertThat(row.firstTokenMillis()).isNotNull();
        assertThat(row.truncated()).isFalse();
    }

    @ParameterizedTest(name = "upstream {0} → {1} {2}")
    @CsvSource({
            "400, 400, invalid_request_error, invalid_request_error",
            "401, 502, api_error,             authentication_error",
            "429, 429, rate_limit_error,      rate_limit_error",
            "529, 529, overloaded_error,      overloaded_error",
    })
    void an_upstream_error_reaches_the_client_in_anthropic_shape(int upstreamStatus, int status, String type,
                                                                 String upstreamType) throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(upstreamStatus, "{\"type\":\"error\",\"error\":{\"type\":\""
                + upstreamType + "\",\"message\":\"Upstream says no\"},"
                + "\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}"));

        Reply reply = send(messages(QUESTION, "x-api-key", KEY));

        assertThat(reply.status()).isEqualTo(status);
        AnthropicErrorBody error = AnthropicErrorBody.of(reply.body());
        assertThat(error.type()).isEqualTo(type);
        assertThat(error.message()).contains("Anthropic", "Upstream says no").doesNotContain("upstream-secret-key");
        Usage row = gateway.onlyRow();
        assertThat(row.endpoint()).isEqualTo("messages");
        assertFailedBeforeAnswer(row, status, row.errorCode());
    }

    @Test
    void an_error_event_in_the_stream_is_relayed_as_its_last_event_and_the_row_is_truncated() throws Exception {
        List<String[]> events = new ArrayList<>(AnthropicReplies.streamEvents(MODEL, 25, 0, 15, "Hel", "lo")
                .subList(0, 4));
        String overloaded = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";
        events.add(new String[] {"error", overloaded});
        gateway.upstream().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(AnthropicReplies.sse(events)).build());

        Reply reply = send(messages(STREAMED, "x-api-key", KEY));

        List<Sse.Event> received = Sse.events(reply.body());
        assertThat(received).containsExactlyElementsOf(
                events.stream().map(event -> new Sse.Event(event[0], event[1])).toList());
        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.truncated()).isTrue();
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(row.promptTokens()).isEqualTo(25);
        assertThat(row.completionTokens()).isPositive();
    }

    @Test
    void a_stream_cut_off_midway_ends_with_one_error_event_and_no_message_stop() throws Exception {
        List<String[]> events = AnthropicReplies.streamEvents(MODEL, 25, 0, 40,
                "Once upon", " a time", " there was", " a gateway", " that relayed", " every token");
        gateway.upstream().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(AnthropicReplies.sse(events))
                .onResponseBody(new SocketEffect.CloseSocket())
                .build());

        Reply reply = send(messages(STREAMED, "x-api-key", KEY));

        assertThat(reply.status()).isEqualTo(200);
        List<Sse.Event> received = Sse.events(reply.body());
        assertThat(received.getFirst().name()).isEqualTo("message_start");
        assertThat(received.getLast().name()).isEqualTo("error");
        assertThat(AnthropicErrorBody.of(received.getLast().data()).type()).isEqualTo("api_error");
        assertThat(received).extracting(Sse.Event::name).doesNotContain("message_stop").containsOnlyOnce("error");
        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.errorCode()).isEqualTo("upstream_unavailable");
        assertThat(row.truncated()).isTrue();
    }

    @Test
    void a_stream_that_ends_without_message_stop_gets_one_error_event_after_all_its_events() throws Exception {
        List<String[]> events = AnthropicReplies.streamEvents(MODEL, 25, 0, 3, "Hel", "lo");
        List<String[]> withoutStop = events.subList(0, events.size() - 1);
        gateway.upstream().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(AnthropicReplies.sse(withoutStop)).build());

        Reply reply = send(messages(STREAMED, "x-api-key", KEY));

        List<Sse.Event> received = Sse.events(reply.body());
        assertThat(received).hasSize(withoutStop.size() + 1);
        AnthropicErrorBody error = AnthropicErrorBody.of(received.getLast().data());
        assertThat(error.type()).isEqualTo("api_error");
        assertThat(error.message()).contains("message_stop");
        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.truncated()).isTrue();
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(List.of(row.promptTokens(), row.completionTokens())).containsExactly(25L, 3L);
    }

    @Test
    void a_client_that_hangs_up_mid_stream_cancels_the_upstream_call_and_is_recorded_as_499() throws Exception {
        List<String[]> start = AnthropicReplies.streamEvents(MODEL, 25, 0, 1, "tick ").subList(0, 2);
        ScriptedSseBody slowStream = new ScriptedSseBody()
                .event(start.get(0)[0], start.get(0)[1])
                .event(start.get(1)[0], start.get(1)[1])
                .repeat("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
                        + "\"text\":\"tick \"}}", 500, Duration.ofMillis(20));
        gateway.upstream().enqueue(slowStream.response());

        Call call = gateway.proxy().client().newCall(messages(STREAMED, "x-api-key", KEY));
        try (Response response = call.execute()) {
            BufferedSource source = response.body().source();
            assertThat(Sse.tree(Sse.next(source)).path("type").asText()).isEqualTo("message_start");
            assertThat(Sse.tree(Sse.next(source)).path("type").asText()).isEqualTo("content_block_start");
            assertThat(Sse.tree(Sse.next(source)).path("delta").path("text").asText()).isEqualTo("tick ");
            call.cancel();
        }

        assertThat(slowStream.awaitReaderGone(Duration.ofSeconds(5))).isTrue();
        assertThat(slowStream.awaitFinished(Duration.ZERO)).isFalse();
        Usage row = gateway.proxy().awaitUsageRows(1).getFirst();
        assertThat(row.status()).isEqualTo(499);
        assertThat(row.truncated()).isTrue();
        assertThat(row.promptTokens()).isEqualTo(25);
    }

    @Test
    void bad_input_is_refused_before_the_anthropic_provider_is_called() throws Exception {
        Reply reply = send(messages("{\"model\":\"" + MODEL + "\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "x-api-key", KEY));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(AnthropicErrorBody.of(reply.body()).message()).startsWith("max_tokens: ");
        assertThat(gateway.upstream().getRequestCount()).isZero();
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).isEmpty();
    }
}
