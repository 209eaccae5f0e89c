package nexus.proxy.upstream.anthropic;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns one Anthropic message stream (https://docs.anthropic.com/en/docs/build-with-claude/streaming) into OpenAI
 * {@code chat.completion.chunk} payloads: a role chunk, content, reasoning and tool call deltas, a finish chunk and a
 * usage chunk; an {@code error} event becomes an OpenAI error payload. One per stream; not thread-safe.
 */
final class AnthropicStream {

    private final ObjectMapper mapper;
    private final long createdSeconds;
    /** Anthropic content block index → OpenAI tool call index, for the tool_use blocks seen so far. */
    private final Map<Integer, Integer> toolCallIndexes = new HashMap<>();
    private String id = "";
    private String model = "";
    private ObjectNode usage;
    private boolean stopped;

    AnthropicStream(ObjectMapper mapper, long createdSeconds) {
        this.mapper = mapper;
        this.createdSeconds = createdSeconds;
    }

    /** The OpenAI payloads for one event's data, in order; none for pings, block stops and unknown events. */
    List<String> translate(String data) {
        JsonNode event;
        try {
            event = mapper.readTree(data);
        } catch (IOException e) {
            return List.of(AnthropicErrors.inStream("", mapper));
        }
        if (event == null || !event.isObject()) {
            return List.of(AnthropicErrors.inStream("", mapper));
        }
        return switch (event.path("type").asText()) {
            case "message_start" -> messageStart(event.path("message"));
            case "content_block_start" -> blockStart(event.path("index").asInt(), event.path("content_block"));
            case "content_block_delta" -> blockDelta(event.path("index").asInt(), event.path("delta"));
            case "message_delta" -> messageDelta(event);
            case "message_stop" -> messageStop();
            case "error" -> List.of(AnthropicErrors.inStream(data, mapper));
            default -> List.of();  // ping, content_block_stop, and event types added later
        };
    }

    /** True once {@code message_stop} arrived: the answer is complete. */
    boolean stopped() {
        return stopped;
    }

    private List<String> messageStart(JsonNode message) {
        id = message.path("id").asText();
        model = message.path("model").asText();
        usage = message.path("usage").isObject() ? (ObjectNode) message.get("usage").deepCopy() : null;
        return List.of(chunk(delta().put("role", "assistant").put("content", ""), null));
    }

    private List<String> blockStart(int index, JsonNode block) {
        String type = block.path("type").asText();
        if (type.equals("tool_use")) {
            int callIndex = toolCallIndexes.size();
            toolCallIndexes.put(index, callIndex);
            ObjectNode delta = delta();
            ObjectNode call = delta.putArray("tool_calls").addObject();
            call.put("index", callIndex);
            call.put("id", block.path("id").asText());
            call.put("type", "function");
            call.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
            return List.of(chunk(delta, null));
        }
        if (type.equals("text") && !block.path("text").asText().isEmpty()) {
            return List.of(chunk(delta().put("content", block.get("text").asText()), null));
        }
        return List.of();
    }

    private List<String> blockDelta(int index, JsonNode delta) {
        return switch (delta.path("type").asText()) {
            case "text_delta" -> List.of(chunk(delta().put("content", delta.path("text").asText()), null));
            case "thinking_delta" -> List.of(chunk(delta().put("reasoning_content", delta.path("thinking").asText()),
                    null));
            case "input_json_delta" -> arguments(index, delta.path("partial_json").asText());
            default -> List.of();  // signature and citation deltas have no OpenAI counterpart
        };
    }

    private List<String> arguments(int index, String fragment) {
        Integer callIndex = toolCallIndexes.get(index);
        if (callIndex == null || fragment.isEmpty()) {
            return List.of();
        }
        ObjectNode delta = delta();
        ObjectNode call = delta.putArray("tool_calls").addObject();
        call.put("index", callIndex);
        call.putObject("function").put("arguments", fragment);
        return List.of(chunk(delta, null));
    }

    private List<String> messageDelta(JsonNode event) {
        JsonNode latest = event.path("usage");
        if (latest.isObject()) {
            usage = AnthropicUsage.merged(usage, latest, mapper);
        }
        String finishReason = AnthropicResponses.finishReason(event.path("delta").path("stop_reason").asText(null));
        return finishReason == null ? List.of() : List.of(chunk(delta(), finishReason));
    }

    private List<String> messageStop() {
        stopped = true;
        ObjectNode openAiUsage = AnthropicUsage.toOpenAi(usage, mapper);
        if (openAiUsage == null) {
            return List.of();
        }
        ObjectNode chunk = header();
        chunk.putArray("choices");
        chunk.set("usage", openAiUsage);
        return List.of(chunk.toString());
    }

    private ObjectNode delta() {
        return mapper.createObjectNode();
    }

    private String chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = header();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return chunk.toString();
    }

    private ObjectNode header() {
        ObjectNode chunk = mapper.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", createdSeconds);
        chunk.put("model", model);
        return chunk;
    }
}
