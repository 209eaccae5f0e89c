package nexus.proxy.anthropic;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.usage.TokenUsage;
import nexus.shared.error.ApiError;

/**
 * Translates an OpenAI chunk stream into Anthropic's stream events
 * (https://docs.claude.com/en/docs/build-with-claude/streaming): {@code message_start} on the first chunk;
 * reasoning, content and each tool call as a content block of its own ({@code content_block_start}, deltas,
 * {@code content_block_stop}), one open at a time; at the end
 * {@code message_delta} with the stop reason and the usage, then {@code message_stop}. Usage arrives only at the end
 * in OpenAI's streams, so {@code message_start} counts zero. One per stream; not thread-safe.
 */
final class ChunksToEvents {

    /** One server-sent event: its name and its JSON data. */
    record Event(String name, ObjectNode data) {}

    private static final String TEXT = "text";
    private static final String THINKING = "thinking";
    private static final String TOOL_USE = "tool_use";

    private final ObjectMapper mapper;
    private final String messageId;
    private final String model;
    private final List<String> stopSequences;
    /** The block of each OpenAI tool call index seen so far. */
    private final Map<Integer, ToolBlock> toolBlocks = new HashMap<>();
    private boolean started;
    private int nextBlock;
    private String openBlockType;
    private String finishReason;
    private JsonNode matchedStop;

    /**
     * @param messageId the message's id ({@code msg_…}), whatever id the upstream's chunks carry
     * @param model     the model to name when the upstream's chunks name none
     */
    ChunksToEvents(ObjectMapper mapper, String messageId, String model, List<String> stopSequences) {
        this.mapper = mapper;
        this.messageId = messageId;
        this.model = model;
        this.stopSequences = stopSequences;
    }

    /** The events one chunk payload makes; none for a chunk that is not a JSON object or carries nothing new. */
    List<Event> chunk(String payload) {
        JsonNode chunk;
        try {
            chunk = mapper.readTree(payload);
        } catch (IOException e) {
            return List.of();
        }
        if (chunk == null || !chunk.isObject()) {
            return List.of();
        }
        List<Event> events = new ArrayList<>();
        start(chunk, events);
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String reasoning = delta.path("reasoning_content").asText("");
        if (!reasoning.isEmpty()) {
            delta(THINKING, events).put("type", "thinking_delta").put("thinking", reasoning);
        }
        String text = delta.path("content").asText("");
        if (!text.isEmpty()) {
            delta(TEXT, events).put("type", "text_delta").put("text", text);
        }
        for (JsonNode call : delta.path("tool_calls")) {
            toolCall(call, events);
        }
        if (choice.path("finish_reason").isTextual()) {
            finishReason = choice.get("finish_reason").asText();
            matchedStop = choice.get("stop_reason");
        }
        return events;
    }

    /** The closing events of a complete stream, with what it cost. */
    List<Event> finish(TokenUsage used) {
        List<Event> events = new ArrayList<>();
        start(mapper.createObjectNode(), events);
        closeBlock(events);
        StopReasons.StopReason stop = StopReasons.of(finishReason, matchedStop, stopSequences);
        ObjectNode messageDelta = event("message_delta", events);
        messageDelta.putObject("delta").put("stop_reason", stop.reason()).put("stop_sequence", stop.sequence());
        MessageUsage.write(messageDelta, used);
        event("message_stop", events);
        return events;
    }

    /** The event that ends a broken stream: Anthropic's error shape, in place of {@code message_stop}. */
    Event error(ApiError error) {
        return new Event("error", mapper.valueToTree(AnthropicErrors.envelope(error)));
    }

    private void start(JsonNode chunk, List<Event> events) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode message = event("message_start", events).putObject("message");
        message.put("id", messageId);
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", chunk.path("model").asText(model));
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        MessageUsage.write(message, TokenUsage.MISSING);
    }

    /**
     * A tool call's first piece opens a tool_use block, and each argument fragment is a delta of it. A piece with a new
     * id is a new call even at an index already seen: some servers number every call 0.
     */
    private void toolCall(JsonNode call, List<Event> events) {
        int callIndex = call.path("index").asInt(0);
        String id = call.path("id").asText(null);
        ToolBlock block = toolBlocks.get(callIndex);
        if (block == null || id != null && !id.equals(block.id())) {
            closeBlock(events);
            String blockId = id != null ? id : messageId + "_tool_" + callIndex;
            block = new ToolBlock(nextBlock++, blockId);
            openBlockType = TOOL_USE;
            toolBlocks.put(callIndex, block);
            event("content_block_start", events).put("index", block.index()).putObject("content_block")
                    .put("type", TOOL_USE)
                    .put("id", blockId)
                    .put("name", call.path("function").path("name").asText(""))
                    .putObject("input");
        }
        String arguments = call.path("function").path("arguments").asText("");
        if (!arguments.isEmpty()) {
            event("content_block_delta", events).put("index", block.index()).putObject("delta")
                    .put("type", "input_json_delta").put("partial_json", arguments);
        }
    }

    /** The content block a tool call streams into. */
    private record ToolBlock(int index, String id) {}

    /** The delta object of a new content_block_delta in a block of the given type, opening that block if needed. */
    private ObjectNode delta(String blockType, List<Event> events) {
        if (!blockType.equals(openBlockType)) {
            closeBlock(events);
            openBlockType = blockType;
            ObjectNode block = event("content_block_start", events).put("index", nextBlock).putObject("content_block");
            block.put("type", blockType).put(blockType, "");
            if (blockType.equals(THINKING)) {
                block.put("signature", "");
            }
            nextBlock++;
        }
        return event("content_block_delta", events).put("index", nextBlock - 1).putObject("delta");
    }

    private void closeBlock(List<Event> events) {
        if (openBlockType != null) {
            event("content_block_stop", events).put("index", nextBlock - 1);
            openBlockType = null;
        }
    }

    /** Adds an event of that type and returns its data, {@code {"type":<name>}} so far. */
    private ObjectNode event(String name, List<Event> events) {
        ObjectNode data = mapper.createObjectNode().put("type", name);
        events.add(new Event(name, data));
        return data;
    }
}
