package nexus.proxy.responses;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.Sse;
import nexus.shared.db.ProviderKind;

/**
 * Kept responses: {@code previous_response_id} chains expanded into the chat history a translated upstream receives,
 * tool round trips across turns, and GET / DELETE of a response by its owner only.
 */
class StoredResponsesTest {

    private static final String TOOL_CALL_COMPLETION = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\","
            + "\"created\":1700000000,\"model\":\"gpt-4\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":null,\"tool_calls\":[{\"id\":\"call_w1\",\"type\":\"function\",\"function\":{\"name\":"
            + "\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}],"
            + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":9,\"total_tokens\":29}}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    @Test
    void a_chain_of_previous_response_ids_reaches_the_upstream_as_the_whole_conversation() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Paris.", 10, 2)));
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "About 2.1 million.", 20, 5)));
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "You asked two.", 30, 4)));

        String first = id(gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"instructions\":\"Be terse.\","
                + "\"input\":\"Capital of France?\"}"));
        String second = id(gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"previous_response_id\":\""
                + first + "\",\"input\":[{\"role\":\"user\",\"content\":\"Its population?\"}]}"));
        Reply third = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"previous_response_id\":\"" + second
                + "\",\"instructions\":\"Count.\",\"input\":\"How many questions so far?\"}");

        assertThat(Sse.tree(third.body()).path("previous_response_id").asText()).isEqualTo(second);
        gateway.upstreamRequest();
        assertThat(Sse.tree(gateway.upstreamRequest().getBody().utf8()).path("messages").toString()).isEqualTo(
                "[{\"role\":\"user\",\"content\":\"Capital of France?\"},{\"role\":\"assistant\",\"content\":\"Paris.\"},"
                        + "{\"role\":\"user\",\"content\":\"Its population?\"}]");
        assertThat(Sse.tree(gateway.upstreamRequest().getBody().utf8()).path("messages").toString()).isEqualTo(
                "[{\"role\":\"system\",\"content\":\"Count.\"},"
                        + "{\"role\":\"user\",\"content\":\"Capital of France?\"},{\"role\":\"assistant\",\"content\":\"Paris.\"},"
                        + "{\"role\":\"user\",\"content\":\"Its population?\"},"
                        + "{\"role\":\"assistant\",\"content\":\"About 2.1 million.\"},"
                        + "{\"role\":\"user\",\"content\":\"How many questions so far?\"}]");
    }

    @Test
    void a_function_call_and_its_output_in_the_next_turn_make_a_tool_round_trip() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(TOOL_CALL_COMPLETION));
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "It is sunny.", 40, 4)));
        String tools = "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather now\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]";

        Reply first = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"input\":\"Weather in Paris?\"," + tools
                + ",\"tool_choice\":\"required\"}");
        JsonNode call = Sse.tree(first.body()).path("output").path(0);
        assertThat(call.path("type").asText()).isEqualTo("function_call");
        assertThat(call.path("call_id").asText()).isEqualTo("call_w1");
        assertThat(call.path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        Reply second = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"previous_response_id\":\""
                + Sse.tree(first.body()).path("id").asText() + "\"," + tools + ",\"input\":[{\"type\":"
                + "\"function_call_output\",\"call_id\":\"call_w1\",\"output\":\"{\\\"sky\\\":\\\"sunny\\\"}\"}]}");

        assertThat(Sse.tree(second.body()).path("output").path(0).path("content").path(0).path("text").asText())
                .isEqualTo("It is sunny.");
        JsonNode firstSent = Sse.tree(gateway.upstreamRequest().getBody().utf8());
        assertThat(firstSent.path("tool_choice").asText()).isEqualTo("required");
        assertThat(firstSent.path("tools").toString()).isEqualTo("[{\"type\":\"function\",\"function\":{\"name\":"
                + "\"get_weather\",\"description\":\"Weather now\",\"parameters\":{\"type\":\"object\",\"properties\":"
                + "{\"city\":{\"type\":\"string\"}}}}}]");
        assertThat(Sse.tree(gateway.upstreamRequest().getBody().utf8()).path("messages").toString()).isEqualTo(
                "[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},{\"role\":\"assistant\",\"content\":null,"
                        + "\"tool_calls\":[{\"id\":\"call_w1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                        + "{\"role\":\"tool\",\"tool_call_id\":\"call_w1\",\"content\":\"{\\\"sky\\\":\\\"sunny\\\"}\"}]");
    }

    @Test
    void a_kept_response_is_read_and_deleted_by_its_owner_only() throws Exception {
        gateway.proxy().addProvider("Other", ProviderKind.MOCK, "mock://local?delay_ms=0", "other-key", "other-model");
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Kept.", 5, 1)));
        Reply created = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"input\":\"Keep this\","
                + "\"metadata\":{\"topic\":\"test\"}}");
        String id = id(created);

        Reply read = call("GET", id, ProxyWithUpstream.KEY);
        assertThat(read.status()).isEqualTo(200);
        assertThat(Sse.tree(read.body())).isEqualTo(Sse.tree(created.body()));
        assertThat(Sse.tree(read.body()).path("metadata").path("topic").asText()).isEqualTo("test");
        assertNotFound(call("GET", id, "other-key"));
        assertNotFound(call("DELETE", id, "other-key"));
        assertNotFound(call("GET", "resp_unknown", ProxyWithUpstream.KEY));

        Reply deleted = call("DELETE", id, ProxyWithUpstream.KEY);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(Sse.tree(deleted.body()).toString())
                .isEqualTo("{\"id\":\"" + id + "\",\"object\":\"response\",\"deleted\":true}");
        assertNotFound(call("GET", id, ProxyWithUpstream.KEY));
        Reply continued = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"input\":\"x\","
                + "\"previous_response_id\":\"" + id + "\"}");
        assertThat(continued.status()).isEqualTo(400);
        assertThat(ErrorBody.of(continued.body()).withoutMessage())
                .isEqualTo(ErrorBody.of("invalid_request_error", "invalid_request", "previous_response_id"));
        assertThat(gateway.upstream().getRequestCount()).isEqualTo(1);
    }

    @Test
    void a_response_with_store_false_is_not_kept() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Gone.", 5, 1)));

        Reply created = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"input\":\"x\",\"store\":false}");

        assertThat(Sse.tree(created.body()).path("store").asBoolean()).isFalse();
        assertNotFound(call("GET", id(created), ProxyWithUpstream.KEY));
    }

    @Test
    void a_streamed_response_is_kept_before_its_completed_event_leaves() throws Exception {
        List<String> chunks = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", "Str", "eamed"));
        chunks.add("[DONE]");
        gateway.upstream().enqueue(OpenAiReplies.stream(chunks));
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Next.", 5, 1)));

        Reply streamed = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"input\":\"x\",\"stream\":true}");
        assertThat(Sse.events(streamed.body()).getLast().name()).isEqualTo("response.completed");
        JsonNode completed = Sse.events(streamed.body()).getLast().json().path("response");
        Reply next = gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"input\":\"y\",\"previous_response_id\":\""
                + completed.path("id").asText() + "\"}");

        assertThat(next.status()).isEqualTo(200);
        assertThat(Sse.tree(call("GET", completed.path("id").asText(), ProxyWithUpstream.KEY).body()))
                .isEqualTo(completed);
        gateway.upstreamRequest();
        assertThat(Sse.tree(gateway.upstreamRequest().getBody().utf8()).path("messages").toString()).isEqualTo(
                "[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"Streamed\"},"
                        + "{\"role\":\"user\",\"content\":\"y\"}]");
    }

    @Test
    void the_input_items_of_a_response_are_listed_newest_first_and_paged_for_its_owner_only() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "Noted.", 10, 2)));
        gateway.proxy().addProvider("Other", ProviderKind.MOCK, "mock://local?delay_ms=0", "other-key", "other-model");
        String id = id(gateway.post("/v1/responses", "{\"model\":\"gpt-4\",\"input\":[{\"role\":\"user\","
                + "\"content\":\"One\"},{\"type\":\"message\",\"id\":\"msg_client\",\"role\":\"user\","
                + "\"content\":[{\"type\":\"input_text\",\"text\":\"Two\"}]},{\"role\":\"assistant\","
                + "\"content\":\"Three\"}]}"));

        JsonNode newestFirst = Sse.tree(call("GET", id + "/input_items", ProxyWithUpstream.KEY).body());
        JsonNode firstTwo = Sse.tree(call("GET", id + "/input_items?order=asc&limit=2", ProxyWithUpstream.KEY).body());
        JsonNode rest = Sse.tree(call("GET", id + "/input_items?order=asc&limit=2&after="
                + firstTwo.path("last_id").asText(), ProxyWithUpstream.KEY).body());

        assertThat(texts(newestFirst)).containsExactly("assistant output_text Three", "user input_text Two",
                "user input_text One");
        assertThat(newestFirst.path("object").asText()).isEqualTo("list");
        assertThat(newestFirst.path("has_more").asBoolean()).isFalse();
        assertThat(texts(firstTwo)).containsExactly("user input_text One", "user input_text Two");
        assertThat(firstTwo.path("last_id").asText()).isEqualTo("msg_client");
        assertThat(firstTwo.path("first_id").asText()).startsWith("msg_").isNotEqualTo("msg_client");
        assertThat(firstTwo.path("has_more").asBoolean()).isTrue();
        assertThat(texts(rest)).containsExactly("assistant output_text Three");
        assertThat(rest.path("has_more").asBoolean()).isFalse();
        assertThat(call("GET", id + "/input_items", ProxyWithUpstream.KEY).body())
                .isEqualTo(call("GET", id + "/input_items", ProxyWithUpstream.KEY).body());
        assertNotFound(call("GET", id + "/input_items", "other-key"));
        assertNotFound(call("GET", "resp_unknown/input_items", ProxyWithUpstream.KEY));
    }

    private static List<String> texts(JsonNode list) {
        List<String> texts = new ArrayList<>();
        for (JsonNode item : list.path("data")) {
            assertThat(item.path("type").asText()).isEqualTo("message");
            JsonNode part = item.path("content").path(0);
            texts.add(item.path("role").asText() + " " + part.path("type").asText() + " " + part.path("text").asText());
        }
        return texts;
    }

    private Reply call(String method, String id, String key) throws Exception {
        Request request = new Request.Builder().url(gateway.proxy().url("/v1/responses/" + id))
                .method(method, null).header("Authorization", "Bearer " + key).build();
        try (Response response = gateway.proxy().execute(request)) {
            return Reply.of(response);
        }
    }

    private static void assertNotFound(Reply reply) {
        assertThat(reply.status()).isEqualTo(404);
        assertThat(ErrorBody.of(reply.body()).withoutMessage())
                .isEqualTo(ErrorBody.of("invalid_request_error", "not_found", "id"));
    }

    private static String id(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return Sse.tree(reply.body()).path("id").asText();
    }
}
