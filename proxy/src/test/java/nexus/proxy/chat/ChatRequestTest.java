package nexus.proxy.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import nexus.shared.json.Json;

class ChatRequestTest {

    private final ObjectMapper mapper = Json.newMapper();

    private ChatRequest parse(String json) {
        return ChatRequest.parse(json.getBytes(StandardCharsets.UTF_8), mapper);
    }

    private JsonNode upstream(ChatRequest request, boolean forceStream) throws Exception {
        return mapper.readTree(request.upstreamBody(request.model(), forceStream, mapper));
    }

    @Test
    void a_plain_request_goes_upstream_as_the_very_same_bytes() {
        String json = " {\"model\":\"m\", \"messages\":[{\"role\":\"user\",\"content\":\"hi\"}], \"x_unknown\":1}";
        ChatRequest request = parse(json);

        assertThat(new String(request.upstreamBody("m", false, mapper), StandardCharsets.UTF_8)).isEqualTo(json);
    }

    @Test
    void a_stream_asks_for_usage_and_keeps_every_other_field_and_its_order() throws Exception {
        String json = "\n {\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"seed\":7}";
        ChatRequest request = parse(json);

        String sent = new String(request.upstreamBody("m", false, mapper), StandardCharsets.UTF_8);

        assertThat(sent).isEqualTo("\n {\"stream_options\":{\"include_usage\":true},"
                + json.substring(json.indexOf('{') + 1));
        JsonNode tree = mapper.readTree(sent);
        assertThat(tree.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(tree.path("seed").asInt()).isEqualTo(7);
        assertThat(tree.path("tools").get(0).path("function").path("name").asText()).isEqualTo("f");
    }

    @Test
    void existing_stream_options_are_kept_and_usage_is_added_to_them() throws Exception {
        ChatRequest request = parse("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":false,"
                + "\"other\":1},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        JsonNode options = upstream(request, false).path("stream_options");

        assertThat(options.path("include_usage").asBoolean()).isTrue();
        assertThat(options.path("other").asInt()).isEqualTo(1);
    }

    @Test
    void a_client_that_asked_for_usage_itself_is_passed_through_untouched() {
        String json = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        assertThat(new String(parse(json).upstreamBody("m", false, mapper), StandardCharsets.UTF_8)).isEqualTo(json);
    }

    @Test
    void a_forced_stream_sets_stream_and_usage() throws Exception {
        JsonNode sent = upstream(parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), true);

        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
    }
}
