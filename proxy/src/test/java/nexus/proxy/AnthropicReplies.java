package nexus.proxy;

import java.util.ArrayList;
import java.util.List;

/** Test helper: what an upstream speaking Anthropic's Messages API answers, as Anthropic's docs show it. */
public final class AnthropicReplies {

    private AnthropicReplies() {}

    /** A message with one text block, counting {@code cacheRead} tokens read from the prompt cache. */
    public static String message(String model, String text, int inputTokens, int cacheRead, int outputTokens) {
        return "{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
                + model + "\",\"content\":[{\"type\":\"text\",\"text\":" + OpenAiReplies.quote(text) + "}],"
                + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + inputTokens
                + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":" + cacheRead
                + ",\"output_tokens\":" + outputTokens + "}}";
    }

    /**
     * The events of a streamed message answering {@code pieces} as text deltas, in order: message_start (with
     * {@code inputTokens} and {@code cacheRead}), a text block with a ping after its start, message_delta (with
     * {@code outputTokens}), message_stop. Each is {@code {name, data}}.
     */
    public static List<String[]> streamEvents(String model, int inputTokens, int cacheRead, int outputTokens,
                                              String... pieces) {
        List<String[]> events = new ArrayList<>();
        events.add(new String[] {"message_start", "{\"type\":\"message_start\",\"message\":{\"id\":"
                + "\"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"content\":[],\"model\":\"" + model + "\",\"stop_reason\":null,\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":" + inputTokens + ",\"cache_creation_input_tokens\":0,"
                + "\"cache_read_input_tokens\":" + cacheRead + ",\"output_tokens\":1}}}"});
        events.add(new String[] {"content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"});
        events.add(new String[] {"ping", "{\"type\": \"ping\"}"});
        for (String piece : pieces) {
            events.add(new String[] {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":" + OpenAiReplies.quote(piece) + "}}"});
        }
        events.add(new String[] {"content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"});
        events.add(new String[] {"message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                + "\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + outputTokens + "}}"});
        events.add(new String[] {"message_stop", "{\"type\":\"message_stop\"}"});
        return events;
    }

    /** Events as an SSE body: {@code event: <name>\ndata: <data>\n\n} each. */
    public static String sse(List<String[]> events) {
        StringBuilder body = new StringBuilder();
        events.forEach(event -> body.append("event: ").append(event[0]).append("\ndata: ").append(event[1])
                .append("\n\n"));
        return body.toString();
    }
}
