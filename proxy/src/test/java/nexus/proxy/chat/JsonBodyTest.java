package nexus.proxy.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * The body an upstream gets: the client's own bytes, with only what must change changed (a route's target model, the
 * usage request of a stream), so the rest of a large body is forwarded as it came.
 */
class JsonBodyTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void a_routes_target_gets_its_own_model_name_in_the_clients_bytes_and_nested_models_stay() throws Exception {
        String raw = """
                {"messages": [{"role": "user", "content": "say é 東京 \\"model\\": hi", "model": "inner"}],
                 "metadata": {"model": "fast"},   "model" :  "fast", "temperature": 0.5}""";

        String sent = upstream(raw, "fast", "o\"1 é", false, false);

        assertThat(sent).isEqualTo(raw.replace("\"model\" :  \"fast\"", "\"model\" :  \"o\\\"1 é\""));
        ObjectNode expected = (ObjectNode) mapper.readTree(raw);
        expected.put("model", "o\"1 é");
        assertThat(mapper.readTree(sent)).isEqualTo(expected);
    }

    @Test
    void a_stream_to_another_model_name_also_asks_for_usage_and_the_same_name_is_sent_as_it_came() throws Exception {
        String raw = "{\"model\":\"fast\",\"stream\":true,\"messages\":[]}";

        assertThat(upstream(raw, "fast", "gpt-4o", true, false))
                .isEqualTo("{\"stream_options\":{\"include_usage\":true},\"model\":\"gpt-4o\",\"stream\":true,"
                        + "\"messages\":[]}");
        assertThat(upstream(raw, "fast", "fast", false, false)).isEqualTo(raw);
    }

    @Test
    void a_body_whose_stream_options_must_change_is_written_from_its_tree() throws Exception {
        String raw = "{\"model\":\"fast\",\"stream\":true,\"stream_options\":{\"include_usage\":false}}";

        assertThat(mapper.readTree(upstream(raw, "fast", "gpt-4o", true, false))).isEqualTo(mapper.readTree(
                "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}"));
    }

    private String upstream(String raw, String clientModel, String upstreamModel, boolean askUsage,
                            boolean forceStream) throws Exception {
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        return new String(JsonBody.forUpstream(bytes, (ObjectNode) mapper.readTree(bytes), clientModel, upstreamModel,
                forceStream, askUsage, mapper), StandardCharsets.UTF_8);
    }
}
