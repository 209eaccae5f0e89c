package nexus.proxy.responses;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.Sse;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/**
 * POST /v1/responses through the real proxy port, to an OpenAI-compatible upstream without the Responses API: the
 * request arrives there as a chat completion, and the client reads a Responses API answer, whole or streamed.
 */
class ResponsesApiTest {

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    @Test
    void a_string_input_is_answered_as_a_response_with_one_message_and_one_usage_row() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Hello there!", 12, 3)));

        Reply reply = gateway.post("/v1/responses",
                "{\"model\":\"gpt-4\",\"input\":\"Say hello\",\"instructions\":\"Be brief.\"}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        JsonNode response = Sse.tree(reply.body());
        assertThat(response.path("id").asText()).startsWith("resp_");
        assertThat(response.path("object").asText()).isEqualTo("response");
        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(response.path("model").asText()).isEqualTo("gpt-4");
        assertThat(response.path("instructions").asText()).isEqualTo("Be brief.");
        JsonNode message = response.path("output").path(0);
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("id").asText()).startsWith("msg_");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("content").path(0).path("type").asText()).isEqualTo("output_text");
        assertThat(message.path("content").path(0).path("text").asText()).isEqualTo("Hello there!");
        assertThat(response.path("usage").path("input_tokens").asLong()).isEqualTo(12);
        assertThat(response.path("usage").path("output_tokens").asLong()).isEqualTo(3);
        assertThat(response.path("usage").path("total_tokens").asLong()).isEqualTo(15);

        JsonNode sent = Sse.tree(gateway.upstreamRequest().getBody().utf8());
        assertThat(gateway.upstream().getRequestCount()).isEqualTo(1);
        assertThat(sent.path("messages").toString()).isEqualTo(
                "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Say hello\"}]");

        Usage row = gateway.onlyRow();
        assertThat(row.endpoint()).isEqualTo("responses");
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.stream()).isFalse();
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(List.of(row.promptTokens(), row.completionTokens())).containsExactly(12L, 3L);
    }

    @Test
    void a_stream_is_the_full_event_sequence_numbered_in_order_and_ends_completed() throws Exception {
        List<String> chunks = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", "Hel", "lo"));
        chunks.add(OpenAiReplies.usageChunk("gpt-4", 7, 2));
        chunks.add("[DONE]");
        gateway.upstream().enqueue(OpenAiReplies.stream(chunks));

        Reply reply = gateway.post("/responses", "{\"model\":\"gpt-4\",\"input\":\"Hi\",\"stream\":true}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/event-stream");
        List<Sse.Event> events = Sse.events(reply.body());
        assertThat(events).extracting(Sse.Event::name).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.completed");
        for (int index = 0; index < events.size(); index++) {
            assertThat(events.get(index).json().path("type").asText()).isEqualTo(events.get(index).name());
            assertThat(events.get(index).json().path("sequence_number").asInt()).isEqualTo(index);
        }
        JsonNode completed = events.getLast().json().path("response");
        assertThat(completed.path("status").asText()).isEqualTo("completed");
        assertThat(completed.path("output").path(0).path("content").path(0).path("text").asText()).isEqualTo("Hello");
        assertThat(completed.path("usage").path("input_tokens").asLong()).isEqualTo(7);
        assertThat(Sse.tree(gateway.upstreamRequest().getBody().utf8()).path("stream").asBoolean()).isTrue();

        Usage row = gateway.onlyRow();
        assertThat(row.endpoint()).isEqualTo("responses");
        assertThat(row.stream()).isTrue();
        assertThat(row.status()).isEqualTo(200);
        assertThat(List.of(row.promptTokens(), row.completionTokens())).containsExactly(7L, 2L);
    }

    @Test
    void a_stream_cut_off_midway_ends_with_one_error_event_and_no_completed() throws Exception {
        List<String> chunks = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4",
                "Once upon", " a time", " there was", " a gateway", " that relayed", " every token"));
        chunks.add("[DONE]");
        gateway.upstream().enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(OpenAiReplies.sse(chunks))
                .onResponseBody(new SocketEffect.CloseSocket())  // closes the socket halfway through the body
                .build());

        Reply reply = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"input\":\"Tell\",\"stream\":true}");

        List<Sse.Event> events = Sse.events(reply.body());
        assertThat(events).extracting(Sse.Event::name).doesNotContain("response.completed")
                .startsWith("response.created", "response.in_progress");
        assertThat(events.getLast().name()).isEqualTo("error");
        assertThat(events.getLast().json().path("code").asText()).isEqualTo("upstream_unavailable");
        assertThat(events.getLast().json().path("sequence_number").asInt()).isEqualTo(events.size() - 1);
        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.truncated()).isTrue();
        assertThat(row.endpoint()).isEqualTo("responses");
    }

    @Test
    void what_the_translation_cannot_do_is_refused_naming_the_field_before_any_upstream_call() throws Exception {
        String[][] cases = {
                {"{\"model\":\"gpt-4\",\"input\":\"x\",\"tools\":[{\"type\":\"web_search\"}]}", "tools[0].type"},
                {"{\"model\":\"gpt-4\",\"input\":\"x\",\"tools\":[{\"type\":\"file_search\"}]}", "tools[0].type"},
                {"{\"model\":\"gpt-4\",\"input\":\"x\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"},"
                        + "{\"type\":\"code_interpreter\"}]}", "tools[1].type"},
                {"{\"model\":\"gpt-4\",\"input\":\"x\",\"tools\":[{\"type\":\"mcp\",\"server_label\":\"s\"}]}",
                        "tools[0].type"},
                {"{\"model\":\"gpt-4\",\"input\":\"x\",\"background\":true}", "background"},
                {"{\"model\":\"gpt-4\",\"input\":\"x\",\"conversation\":\"conv_1\","
                        + "\"previous_response_id\":\"resp_1\"}", "conversation"},
                {"{\"model\":\"gpt-4\",\"input\":\"x\",\"conversation\":{\"name\":\"c\"}}", "conversation"},
                {"{\"model\":\"gpt-4\",\"input\":\"x\",\"include\":[\"file_search_call.results\"]}", "include"},
                {"{\"model\":\"gpt-4\",\"input\":\"x\",\"previous_response_id\":\"resp_unknown\"}",
                        "previous_response_id"},
                {"{\"model\":\"gpt-4\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]}", "input[0].type"},
                {"{\"model\":\"gpt-4\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\","
                        + "\"file_id\":\"file-1\"}]}]}", "input[0].content[0].type"},
                {"{\"model\":\"gpt-4\"}", "input"},
        };
        for (String[] refused : cases) {
            gateway.assertRefusedUntouched(gateway.post("/v1/responses", refused[0]), refused[1]);
        }
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).isEmpty();
    }

    @Test
    void an_upstream_error_passes_through_with_its_status_and_one_row() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(429,
                "{\"error\":{\"message\":\"Slow down\",\"type\":\"rate_limit_error\",\"code\":\"rate_limited\"}}"));

        Reply reply = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"input\":\"x\"}");

        assertThat(reply.status()).isEqualTo(429);
        assertThat(ErrorBody.of(reply.body()).withoutMessage())
                .isEqualTo(ErrorBody.of("rate_limit_error", "rate_limited", null));
        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(429);
        assertThat(row.endpoint()).isEqualTo("responses");
    }
}
