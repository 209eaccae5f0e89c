package nexus.proxy.feedback;

import static nexus.proxy.ProxyWithUpstream.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.GenerationIds;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.RequestIds;
import nexus.proxy.conversations.ChatSocket;
import nexus.shared.db.ModelType;

/** Every answer from a model names its generation, the request id its usage row carries; an error names none. */
class GenerationIdsTest {

    private static final String HELLO = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM = "{\"model\":\"gpt-4\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    @Test
    void a_json_answer_gets_the_header_and_a_nexus_object_before_its_closing_brace_and_is_otherwise_unchanged()
            throws Exception {
        String answer = "{ \"id\" : \"chatcmpl-9\", \"object\":\"chat.completion\", \"model\":\"gpt-4\","
                + " \"x_vendor\":{\"a\":[1,2.50],\"b\":\"}\"},\n \"choices\":[{\"index\":0,\"message\":{\"role\":"
                + "\"assistant\",\"content\":\"你好！\\u00e9\"},\"finish_reason\":\"stop\"}],\"usage\":{"
                + "\"prompt_tokens\":9,\"completion_tokens\":4,\"total_tokens\":13}  }\n";
        gateway.upstream().enqueue(OpenAiReplies.json(answer));

        try (Response response = gateway.chat(HELLO)) {
            String id = response.header(GenerationIds.HEADER);
            assertThat(id).startsWith("req_").isEqualTo(response.header(RequestIds.HEADER));
            int close = answer.lastIndexOf('}');
            assertThat(response.body().string()).isEqualTo(answer.substring(0, close)
                    + ",\"nexus\":{\"generation_id\":\"" + id + "\",\"route\":null}" + answer.substring(close));
            assertThat(gateway.onlyRow().requestId()).isEqualTo(id);
        }
    }

    @Test
    void an_empty_object_gets_the_nexus_object_as_its_only_member() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json("{ }"));

        try (Response response = gateway.chat(HELLO)) {
            String id = response.header(GenerationIds.HEADER);
            assertThat(response.body().string())
                    .isEqualTo("{ \"nexus\":{\"generation_id\":\"" + id + "\",\"route\":null}}");
        }
    }

    @Test
    void an_answer_that_already_has_a_nexus_member_gets_it_replaced_not_repeated() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json("{\"id\":\"x\",\"nexus\":{\"generation_id\":\"req_behind\"},"
                + "\"choices\":[]}"));

        try (Response response = gateway.chat(HELLO)) {
            String id = response.header(GenerationIds.HEADER);
            assertThat(response.body().string())
                    .isEqualTo("{\"id\":\"x\",\"nexus\":{\"generation_id\":\"" + id + "\",\"route\":null},"
                            + "\"choices\":[]}");
        }
    }

    @Test
    void a_stream_carries_the_header_of_its_usage_row() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.stream(helloChunks()));

        try (Response response = gateway.chat(STREAM)) {
            assertThat(response.header("Content-Type")).startsWith("text/event-stream");
            String id = response.header(GenerationIds.HEADER);
            assertThat(id).startsWith("req_");
            assertThat(response.body().string()).endsWith("data: [DONE]\n\n");
            assertThat(gateway.onlyRow().requestId()).isEqualTo(id);
        }
    }

    @Test
    void an_error_answer_names_no_generation() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(500, "{\"error\":{\"message\":\"down\"}}"));

        try (Response response = gateway.chat(HELLO)) {
            assertThat(response.code()).isGreaterThanOrEqualTo(500);
            assertThat(response.header(RequestIds.HEADER)).startsWith("req_");
            assertThat(response.header(GenerationIds.HEADER)).isNull();
        }
    }

    @Test
    void embeddings_legacy_completions_messages_and_responses_carry_the_header_of_their_usage_rows() throws Exception {
        gateway.proxy().addModel(gateway.providerId(), "text-embedding-3-small", ModelType.EMBEDDING);
        gateway.upstream().enqueue(OpenAiReplies.json("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\","
                + "\"index\":0,\"embedding\":[0.1]}],\"model\":\"text-embedding-3-small\"}"));
        for (int answer = 0; answer < 3; answer++) {
            gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "hi", 3, 1)));
        }

        List<String> ids = List.of(
                idOf("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}"),
                idOf("/v1/completions", "{\"model\":\"gpt-4\",\"prompt\":\"Say hi\"}"),
                idOf("/v1/messages", "{\"model\":\"gpt-4\",\"max_tokens\":10,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                idOf("/v1/responses", "{\"model\":\"gpt-4\",\"input\":\"hi\"}"));

        assertThat(ids).allSatisfy(id -> assertThat(id).startsWith("req_"));
        assertThat(gateway.proxy().awaitUsageRows(4)).extracting(row -> row.requestId())
                .containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void the_websocket_done_frame_carries_the_generation_id() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.stream(helloChunks()));

        try (ChatSocket socket = new ChatSocket(gateway.proxy(), KEY)) {
            JsonNode done = socket.ask(STREAM).getLast();

            assertThat(done.path("type").asText()).as(done.toString()).isEqualTo("done");
            assertThat(done.path("generation_id").asText()).startsWith("req_")
                    .isEqualTo(gateway.onlyRow().requestId());
        }
    }

    private static List<String> helloChunks() {
        List<String> chunks = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", "Hel", "lo"));
        chunks.add("[DONE]");
        return chunks;
    }

    private String idOf(String path, String json) throws Exception {
        try (Response response = gateway.proxy().execute(gateway.proxy().post(path, KEY, json))) {
            assertThat(response.code()).as(path).isEqualTo(200);
            return response.header(GenerationIds.HEADER);
        }
    }
}
