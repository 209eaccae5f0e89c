package nexus.proxy.anthropic;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.upstream.anthropic.AnthropicUsage;
import nexus.proxy.usage.TokenUsage;

/**
 * Watches a relayed Anthropic stream for its usage row and stored exchange: the usage {@code message_start} and
 * {@code message_delta} report (the latter's counts replace the former's), when content first came, and the events
 * that make up the message, read again only to estimate the output of a stream that broke before its final count, or
 * to store the answer. One per stream; one thread.
 */
final class RelayedStream {

    /** The events the message is made of; pings, block stops and the end carry nothing to keep. */
    private static final Set<String> KEPT = Set.of("message_start", "content_block_start", "content_block_delta",
            "message_delta");

    private final ObjectMapper mapper;
    private final List<Event> kept = new ArrayList<>();
    private ObjectNode usage;
    private boolean finalCount;
    private long firstContentNanos;

    private record Event(String name, String data) {}

    RelayedStream(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Notes one event by its name; only message_start and message_delta are parsed now. */
    void inspect(String name, String data) {
        if (name == null || !KEPT.contains(name)) {
            return;
        }
        kept.add(new Event(name, data));
        switch (name) {
            case "content_block_delta" -> {
                if (firstContentNanos == 0) {
                    firstContentNanos = System.nanoTime();
                }
            }
            case "message_start" -> {
                JsonNode started = parse(data).path("message").path("usage");
                usage = started.isObject() ? ((ObjectNode) started).deepCopy() : null;
            }
            case "message_delta" -> {
                JsonNode counted = parse(data).path("usage");
                if (counted.isObject()) {
                    usage = AnthropicUsage.merged(usage, counted, mapper);
                    finalCount = true;
                }
            }
            default -> { }
        }
    }

    /** The usage the stream reported at its end; null when that count never came. */
    TokenUsage finalUsage() {
        return finalCount ? TokenUsage.reported(AnthropicUsage.toOpenAi(usage, mapper)) : null;
    }

    /** The usage message_start reported (the input, before any output); null when there was none. */
    TokenUsage startUsage() {
        return TokenUsage.reported(AnthropicUsage.toOpenAi(usage, mapper));
    }

    /** {@link System#nanoTime()} when the first content delta came; 0 when none did. */
    long firstContentNanos() {
        return firstContentNanos;
    }

    /** The text, thinking and tool input of every content delta so far, for counting tokens. */
    String generatedText() {
        StringBuilder text = new StringBuilder();
        for (Event event : kept) {
            if (event.name().equals("content_block_delta")) {
                JsonNode delta = parse(event.data()).path("delta");
                text.append(delta.path("text").asText("")).append(delta.path("thinking").asText(""))
                        .append(delta.path("partial_json").asText(""));
            }
        }
        return text.toString();
    }

    /** The message the events so far make, as the non-streamed answer would be; null before message_start. */
    ObjectNode assembled() {
        ObjectNode message = null;
        Map<Integer, ObjectNode> blocks = new TreeMap<>();
        Map<Integer, StringBuilder> inputs = new HashMap<>();
        for (Event event : kept) {
            JsonNode data = parse(event.data());
            int index = data.path("index").asInt();
            switch (event.name()) {
                case "message_start" -> message = data.path("message").isObject()
                        ? ((ObjectNode) data.get("message")).deepCopy() : null;
                case "content_block_start" -> {
                    if (data.path("content_block").isObject()) {
                        blocks.put(index, ((ObjectNode) data.get("content_block")).deepCopy());
                    }
                }
                case "content_block_delta" -> {
                    ObjectNode block = blocks.get(index);
                    JsonNode delta = data.path("delta");
                    if (block != null) {
                        switch (delta.path("type").asText()) {
                            case "text_delta" -> append(block, "text", delta.path("text").asText(""));
                            case "thinking_delta" -> append(block, "thinking", delta.path("thinking").asText(""));
                            case "signature_delta" -> block.put("signature", delta.path("signature").asText(""));
                            case "input_json_delta" -> inputs.computeIfAbsent(index, key -> new StringBuilder())
                                    .append(delta.path("partial_json").asText(""));
                            default -> { }
                        }
                    }
                }
                default -> {  // message_delta
                    JsonNode delta = data.path("delta");
                    for (String field : List.of("stop_reason", "stop_sequence")) {
                        if (message != null && delta.has(field)) {
                            message.set(field, delta.get(field));
                        }
                    }
                }
            }
        }
        if (message == null) {
            return null;
        }
        inputs.forEach((index, json) -> blocks.get(index).set("input", input(json.toString())));
        message.putArray("content").addAll(blocks.values());
        if (usage != null) {
            message.set("usage", usage);
        }
        return message;
    }

    /** A tool_use block's input from its fragments: the JSON they make, or their text when they make none. */
    private JsonNode input(String json) {
        JsonNode input = parse(json);
        return input.isMissingNode() ? mapper.getNodeFactory().textNode(json) : input;
    }

    private static void append(ObjectNode block, String field, String piece) {
        block.put(field, block.path(field).asText("") + piece);
    }

    private JsonNode parse(String data) {
        try {
            JsonNode tree = mapper.readTree(data);
            return tree == null ? mapper.missingNode() : tree;
        } catch (IOException e) {
            return mapper.missingNode();
        }
    }
}
