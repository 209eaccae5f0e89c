package nexus.proxy.anthropic;

import static nexus.proxy.ProxyWithUpstream.KEY;
import static nexus.proxy.ProxyWithUpstream.assertFailedBeforeAnswer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import nexus.proxy.AnthropicErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ScriptedSseBody;
import nexus.proxy.Sse;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/**
 * POST /v1/messages end to end against an OpenAI-speaking upstream (MockWebServer): the Anthropic request reaches it
 * as a chat completion request, its answer reaches the client as an Anthropic message or event stream, its faults as
 * Anthropic errors, and every call that reached it is one usage row.
 */
class MessagesApiTest {

    private static final String HELLO = "{\"model\":\"gpt-4\",\"max_tokens\":100,\"system\":\"Be brief.\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String HELLO_STREAM = "{\"model\":\"gpt-4\",\"max_tokens\":100,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    private Reply send(String json) throws IOException {
        try (Response response = gateway.proxy().execute(messages(KEY, json))) {
            return Reply.of(response);
        }
    }

    /** A POST to /v1/messages the way Anthropic's SDKs send it: the key in x-api-key (none when null). */
    private Request messages(String key, String json) {
        String version = "2023-06-01";
        return key == null ? gateway.proxy().postWithHeaders("/v1/messages", json, "anthropic-version", version)
                : gateway.proxy().postWithHeaders("/v1/messages", json, "anthropic-version", version, "x-api-key", key);
    }

    @Test
    void a_message_goes_upstream_as_a_chat_completion_and_comes_back_as_an_anthropic_message() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Hello there", 12, 3)));

        Reply reply = send(HELLO);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        ObjectNode message = (ObjectNode) Sse.tree(reply.body());
        assertThat(message.remove("id").asText()).startsWith("msg_");
        assertThat(message).isEqualTo(Sse.tree("""
                {"type":"message","role":"assistant","model":"gpt-4",
                 "content":[{"type":"text","text":"Hello there"}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,
                          "output_tokens":3}}"""));
        RecordedRequest sent = gateway.upstreamRequest();
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer upstream-secret-key");
        assertThat(sent.getHeaders().get("x-api-key")).isNull();
        assertThat(Sse.tree(sent.getBody().utf8())).isEqualTo(Sse.tree("""
                {"model":"gpt-4","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
                 "max_tokens":100}"""));
        Usage row = gateway.onlyRow();
        assertThat(row.endpoint()).isEqualTo("messages");
        assertThat(row.stream()).isFalse();
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(List.of(row.promptTokens(), row.completionTokens(), row.totalTokens()))
                .containsExactly(12L, 3L, 15L);
    }

    @Test
    void a_streamed_message_arrives_as_anthropic_events_in_order() throws Exception {
        List<String> chunks = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", "Hel", "lo"));
        chunks.add(OpenAiReplies.usageChunk("gpt-4", 9, 2));
        chunks.add("[DONE]");
        gateway.upstream().enqueue(OpenAiReplies.stream(chunks));

        Reply reply = send(HELLO_STREAM);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/event-stream");
        List<Sse.Event> events = Sse.events(reply.body());
        assertThat(events).extracting(Sse.Event::name).containsExactly("message_start", "content_block_start",
                "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(events).allSatisfy(event -> assertThat(event.json().path("type").asText()).isEqualTo(event.name()));
        assertThat(events.get(2).json().path("delta").path("text").asText()
                + events.get(3).json().path("delta").path("text").asText()).isEqualTo("Hello");
        JsonNode messageDelta = events.get(5).json();
        assertThat(messageDelta.path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(messageDelta.path("usage").path("input_tokens").asLong()).isEqualTo(9);
        assertThat(messageDelta.path("usage").path("output_tokens").asLong()).isEqualTo(2);
        JsonNode sent = Sse.tree(gateway.upstreamRequest().getBody().utf8());
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
        Usage row = gateway.onlyRow();
        assertThat(row.endpoint()).isEqualTo("messages");
        assertThat(row.stream()).isTrue();
        assertThat(row.status()).isEqualTo(200);
        assertThat(List.of(row.promptTokens(), row.completionTokens())).containsExactly(9L, 2L);
        assertThat(row.firstTokenMillis()).isNotNull();
    }

    @Test
    void a_streamed_tool_call_arrives_as_a_tool_use_block_with_its_arguments_in_pieces() throws Exception {
        String prefix = "{\"id\":\"chatcmpl-tools\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"gpt-4\",\"choices\":[{\"index\":0,\"delta\":";
        gateway.upstream().enqueue(OpenAiReplies.stream(List.of(
                prefix + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},"
                        + "\"finish_reason\":null}]}",
                prefix + "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]},"
                        + "\"finish_reason\":null}]}",
                prefix + "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]},"
                        + "\"finish_reason\":null}]}",
                prefix + "{},\"finish_reason\":\"tool_calls\"}]}",
                OpenAiReplies.usageChunk("gpt-4", 50, 12),
                "[DONE]")));

        Reply reply = send("{\"model\":\"gpt-4\",\"max_tokens\":100,\"stream\":true,"
                + "\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather of a city\","
                + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}],"
                + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"get_weather\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]}");

        List<Sse.Event> events = Sse.events(reply.body());
        assertThat(events).extracting(Sse.Event::name).containsExactly("message_start", "content_block_start",
                "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(events.get(1).json().path("content_block")).isEqualTo(Sse.tree(
                "{\"type\":\"tool_use\",\"id\":\"call_1\",\"name\":\"get_weather\",\"input\":{}}"));
        String arguments = events.get(2).json().path("delta").path("partial_json").asText()
                + events.get(3).json().path("delta").path("partial_json").asText();
        assertThat(Sse.tree(arguments)).isEqualTo(Sse.tree("{\"city\":\"Paris\"}"));
        assertThat(events.get(5).json().path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
        JsonNode sent = Sse.tree(gateway.upstreamRequest().getBody().utf8());
        assertThat(sent.path("tools").path(0).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(sent.path("tool_choice")).isEqualTo(Sse.tree(
                "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}"));
        assertThat(gateway.onlyRow().completionTokens()).isEqualTo(12);
    }

    @ParameterizedTest(name = "upstream {0} → {1} {2}")
    @CsvSource({
            "400, 400, invalid_request_error",
            "401, 502, api_error",
            "404, 404, not_found_error",
            "429, 429, rate_limit_error",
            "500, 500, api_error",
            "503, 503, overloaded_error",
    })
    void an_upstream_error_reaches_the_client_in_anthropic_shape_with_the_matching_status(
            int upstreamStatus, int status, String type) throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(upstreamStatus, "{\"error\":{\"message\":\"Upstream says no\","
                + "\"type\":\"some_error\",\"param\":null,\"code\":\"nope\"}}"));

        Reply reply = send(HELLO);

        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/json");
        AnthropicErrorBody error = AnthropicErrorBody.of(reply.body());
        assertThat(error.type()).isEqualTo(type);
        assertThat(error.message()).contains("Upstream says no").doesNotContain("upstream-secret-key");
        Usage row = gateway.onlyRow();
        assertThat(row.endpoint()).isEqualTo("messages");
        assertThat(row.status()).isEqualTo(status);
    }

    @Test
    void a_refused_connection_is_502_api_error_and_recorded() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        gateway.proxy().addProvider("Down", ProviderKind.OPENAI, "http://127.0.0.1:" + closedPort + "/v1", "down-key",
                "gpt-4");

        Reply reply;
        try (Response response = gateway.proxy().execute(messages("down-key", HELLO_STREAM))) {
            reply = Reply.of(response);
        }

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(AnthropicErrorBody.of(reply.body()).type()).isEqualTo("api_error");
        assertFailedBeforeAnswer(gateway.onlyRow(), 502, "upstream_unavailable");
    }

    @Test
    void a_stream_cut_off_midway_ends_with_one_error_event_and_no_message_stop() throws Exception {
        List<String> chunks = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4",
                "Once upon", " a time", " there was", " a gateway", " that relayed", " every token"));
        chunks.add("[DONE]");
        gateway.upstream().enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(OpenAiReplies.sse(chunks))
                .onResponseBody(new SocketEffect.CloseSocket())
                .build());

        Reply reply = send(HELLO_STREAM);

        assertThat(reply.status()).isEqualTo(200);
        List<Sse.Event> events = Sse.events(reply.body());
        assertThat(events.getFirst().name()).isEqualTo("message_start");
        assertThat(events.getLast().name()).isEqualTo("error");
        assertThat(AnthropicErrorBody.of(events.getLast().data()).type()).isEqualTo("api_error");
        assertThat(events).extracting(Sse.Event::name).doesNotContain("message_stop", "message_delta")
                .containsOnlyOnce("error");
        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.truncated()).isTrue();
        assertThat(row.errorCode()).isEqualTo("upstream_unavailable");
    }

    @Test
    void a_client_that_hangs_up_mid_stream_cancels_the_upstream_call_and_is_recorded_as_499() throws Exception {
        ScriptedSseBody slowStream = new ScriptedSseBody()
                .event(OpenAiReplies.roleChunk("gpt-4"))
                .repeat(OpenAiReplies.contentChunk("gpt-4", "tick "), 500, Duration.ofMillis(20))
                .event("[DONE]");
        gateway.upstream().enqueue(slowStream.response());

        Call call = gateway.proxy().client().newCall(messages(KEY, HELLO_STREAM));
        try (Response response = call.execute()) {
            BufferedSource source = response.body().source();
            assertThat(Sse.tree(Sse.next(source)).path("type").asText()).isEqualTo("message_start");
            assertThat(Sse.tree(Sse.next(source)).path("type").asText()).isEqualTo("content_block_start");
            call.cancel();
        }

        assertThat(slowStream.awaitReaderGone(Duration.ofSeconds(5))).isTrue();
        Usage row = gateway.proxy().awaitUsageRows(1).getFirst();
        assertThat(row.status()).isEqualTo(499);
        assertThat(row.truncated()).isTrue();
    }

    static Stream<Arguments> bad_inputs() {
        String hi = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
        return Stream.of(
                Arguments.of("no model", "{\"max_tokens\":10," + hi + "}", "model"),
                Arguments.of("a blank model", "{\"model\":\" \",\"max_tokens\":10," + hi + "}", "model"),
                Arguments.of("no messages", "{\"model\":\"gpt-4\",\"max_tokens\":10}", "messages"),
                Arguments.of("empty messages", "{\"model\":\"gpt-4\",\"max_tokens\":10,\"messages\":[]}", "messages"),
                Arguments.of("no max_tokens", "{\"model\":\"gpt-4\"," + hi + "}", "max_tokens"),
                Arguments.of("max_tokens a string", "{\"model\":\"gpt-4\",\"max_tokens\":\"10\"," + hi + "}",
                        "max_tokens"),
                Arguments.of("a tool role", "{\"model\":\"gpt-4\",\"max_tokens\":10,"
                        + "\"messages\":[{\"role\":\"tool\",\"content\":\"Hi\"}]}", "messages.0.role"),
                Arguments.of("an image in a system message", "{\"model\":\"gpt-4\",\"max_tokens\":10,"
                        + "\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"image\"}]}]}",
                        "messages.0.content.0"),
                Arguments.of("content a number", "{\"model\":\"gpt-4\",\"max_tokens\":10,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":5}]}", "messages.0.content"),
                Arguments.of("stream a string", "{\"model\":\"gpt-4\",\"max_tokens\":10,\"stream\":\"yes\"," + hi + "}",
                        "stream"),
                Arguments.of("a server tool", "{\"model\":\"gpt-4\",\"max_tokens\":10,"
                        + "\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]," + hi + "}",
                        "tools.0.type"),
                Arguments.of("a document block", "{\"model\":\"gpt-4\",\"max_tokens\":10,\"messages\":[{\"role\":"
                        + "\"user\",\"content\":[{\"type\":\"document\",\"source\":{\"type\":\"text\","
                        + "\"media_type\":\"text/plain\",\"data\":\"x\"}}]}]}", "messages.0.content.0.type"),
                Arguments.of("not JSON", "{\"model\":", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad_inputs")
    void bad_input_is_a_400_invalid_request_error_naming_the_field_and_reaches_no_upstream(
            String caseName, String json, String field) throws Exception {
        Reply reply = send(json);

        assertThat(reply.status()).isEqualTo(400);
        AnthropicErrorBody error = AnthropicErrorBody.of(reply.body());
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.message()).startsWith(field.isEmpty() ? "The request body" : field + ": ");
        assertThat(gateway.upstream().getRequestCount()).isZero();
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).isEmpty();
    }

    @Test
    void the_key_is_read_from_x_api_key_or_from_a_bearer_authorization() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "one", 1, 1)));
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "two", 1, 1)));

        Reply viaApiKey = send(HELLO);
        Reply viaBearer;
        try (Response response = gateway.proxy().execute(gateway.proxy().post("/v1/messages", KEY, HELLO))) {
            viaBearer = Reply.of(response);
        }

        assertThat(viaApiKey.status()).isEqualTo(200);
        assertThat(viaBearer.status()).isEqualTo(200);
        assertThat(gateway.proxy().awaitUsageRows(2)).extracting(Usage::apiKey).containsExactly(KEY, KEY);
    }

    @ParameterizedTest(name = "key {0} → {1} {2}")
    @CsvSource({
            "'',            401, authentication_error",
            "not-a-key,     401, authentication_error",
    })
    void a_missing_or_unknown_key_is_401_authentication_error(String key, int status, String type) throws Exception {
        Reply reply;
        try (Response response = gateway.proxy().execute(messages(key.isEmpty() ? null : key, HELLO))) {
            reply = Reply.of(response);
        }

        assertThat(reply.status()).isEqualTo(status);
        AnthropicErrorBody error = AnthropicErrorBody.of(reply.body());
        assertThat(error.type()).isEqualTo(type);
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).isEmpty();
    }

    @Test
    void an_unknown_model_is_404_not_found_error_and_an_unknown_path_below_messages_too() throws Exception {
        Reply unknownModel = send("{\"model\":\"claude-9\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        Reply unknownPath;
        try (Response response = gateway.proxy().execute(
                gateway.proxy().postWithHeaders("/v1/messages/unknown", HELLO, "x-api-key", KEY))) {
            unknownPath = Reply.of(response);
        }

        assertThat(unknownModel.status()).isEqualTo(404);
        assertThat(AnthropicErrorBody.of(unknownModel.body()).type()).isEqualTo("not_found_error");
        assertThat(AnthropicErrorBody.of(unknownModel.body()).message()).contains("claude-9");
        assertThat(unknownPath.status()).isEqualTo(404);
        assertThat(AnthropicErrorBody.of(unknownPath.body()).type()).isEqualTo("not_found_error");
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).isEmpty();
    }
}
