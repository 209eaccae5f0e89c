package nexus.proxy.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import nexus.proxy.ErrorBody;
import nexus.proxy.Fixtures;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.Sse;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** {@code POST /v1/completions}, the legacy text completion, whole and streamed, served by chat models. */
class CompletionsTest {

    private static final String REQUEST = "{\"model\":\"gpt-4\",\"prompt\":\"Say this is a test\",\"max_tokens\":7}";
    private static final String STREAM = "{\"model\":\"gpt-4\",\"prompt\":\"Say this is a test\",\"stream\":true}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    @ParameterizedTest
    @ValueSource(strings = {"/v1/completions", "/completions"})
    void a_whole_answer_is_relayed_and_its_reported_tokens_recorded(String path) throws Exception {
        String answer = Fixtures.read("completions/openai.json");
        gateway.upstream().enqueue(OpenAiReplies.json(answer));

        Reply reply = gateway.post(path, REQUEST);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo(answer);
        var sent = gateway.upstream().takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/completions");
        assertThat(sent.getBody().utf8()).isEqualTo(REQUEST);
        Usage row = gateway.onlyRow();
        assertThat(row.endpoint()).isEqualTo("completions");
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(List.of(row.promptTokens(), row.completionTokens(), row.totalTokens())).containsExactly(5L, 7L, 12L);
    }

    @Test
    void a_whole_answer_without_usage_is_estimated_from_prompt_and_text() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(Fixtures.read("completions/openai.json")
                .replaceAll(",\\s*\"usage\": \\{[^}]*}", "")));

        assertThat(gateway.post("/v1/completions", REQUEST).status()).isEqualTo(200);

        Usage row = gateway.onlyRow();
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(row.promptTokens()).isEqualTo(5);
        assertThat(row.completionTokens()).isEqualTo(6);
    }

    @Test
    void a_stream_relays_its_text_chunks_hides_the_usage_it_asked_for_and_ends_with_done() throws Exception {
        gateway.upstream().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .chunkedBody(Fixtures.read("completions/openai-stream.sse"), 64).build());

        Reply reply = gateway.post("/v1/completions", STREAM);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/event-stream");
        List<String> events = Sse.data(reply.body());
        assertThat(events).hasSize(4).last().isEqualTo("[DONE]");
        assertThat(events.subList(0, 3)).extracting(event -> Sse.tree(event).path("choices").path(0).path("text").asText())
                .containsExactly("This", " is a", " test");
        var sent = gateway.upstream().takeRequest(5, TimeUnit.SECONDS);
        assertThat(Sse.tree(sent.getBody().utf8()).path("stream_options").path("include_usage").asBoolean()).isTrue();
        Usage row = gateway.onlyRow();
        assertThat(row.stream()).isTrue();
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(row.totalTokens()).isEqualTo(9);
        assertThat(row.firstTokenMillis()).isNotNull();
    }

    @Test
    void a_client_that_asked_for_usage_gets_the_usage_chunk() throws Exception {
        gateway.upstream().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(Fixtures.read("completions/openai-stream.sse")).build());

        Reply reply = gateway.post("/v1/completions", STREAM.replace("\"stream\":true",
                "\"stream\":true,\"stream_options\":{\"include_usage\":true}"));

        List<String> events = Sse.data(reply.body());
        assertThat(events).hasSize(5);
        assertThat(Sse.tree(events.get(3)).path("usage").path("total_tokens").asInt()).isEqualTo(9);
    }

    @Test
    void a_stream_cut_off_ends_with_one_error_event_and_no_done() throws Exception {
        String whole = Fixtures.read("completions/openai-stream.sse");
        gateway.upstream().enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(whole.substring(0, whole.indexOf("data:", whole.indexOf(" is a"))))
                .build());

        Reply reply = gateway.post("/v1/completions", STREAM);

        List<String> events = Sse.data(reply.body());
        assertThat(events).doesNotContain("[DONE]");
        assertThat(ErrorBody.of(events.getLast()).code()).isEqualTo("upstream_unavailable");
        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.truncated()).isTrue();
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(row.completionTokens()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no prompt        | {\"model\":\"gpt-4\"}                                   | prompt",
            "prompt object    | {\"model\":\"gpt-4\",\"prompt\":{\"text\":\"a\"}}      | prompt",
            "empty prompts    | {\"model\":\"gpt-4\",\"prompt\":[]}                     | prompt",
            "negative token   | {\"model\":\"gpt-4\",\"prompt\":[1,-2]}                 | prompt",
            "stream a string  | {\"model\":\"gpt-4\",\"prompt\":\"a\",\"stream\":\"yes\"} | stream",
            "no model         | {\"prompt\":\"a\"}                                       | model"})
    void bad_input_is_a_400_naming_the_field_and_records_nothing(String name, String body, String param)
            throws Exception {
        Reply reply = gateway.post("/v1/completions", body);

        gateway.assertRefusedUntouched(reply, param);
    }
}
