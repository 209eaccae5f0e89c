package nexus.proxy.responses;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.usage.TokenUsage;
import nexus.shared.error.ApiError;

/**
 * Translates an OpenAI chunk stream into the Responses API's stream events
 * (https://platform.openai.com/docs/api-reference/responses-streaming), numbered by {@code sequence_number}:
 * {@code response.created} and {@code response.in_progress} first; reasoning, the message's text and each tool call
 * as an output item of its own (added, its parts and deltas, done), one open at a time; at the end
 * {@code response.completed}, or {@code response.incomplete} when the answer was cut short. One per stream; not
 * thread-safe.
 */
final class ChunksToEvents {

    /** One server-sent event: its type (also its {@code event:} name) and its JSON data. */
    record Event(String type, ObjectNode data) {}

    private enum Kind { REASONING, MESSAGE, FUNCTION_CALL }

    /** An output item being streamed. */
    private static final class OpenItem {
        final Kind kind;
        final int outputIndex;
        final ObjectNode item;
        final StringBuilder text = new StringBuilder();

        OpenItem(Kind kind, int outputIndex, ObjectNode item) {
            this.kind = kind;
            this.outputIndex = outputIndex;
            this.item = item;
        }

        String id() {
            return item.get("id").asText();
        }
    }

    private final ObjectMapper mapper;
    private final ObjectNode response;
    private final String responseId;
    private final Map<Integer, ObjectNode> done = new TreeMap<>();
    /** The function call item of each chat tool call index seen so far. */
    private final Map<Integer, OpenItem> calls = new HashMap<>();
    private OpenItem open;
    private int nextOutput;
    private int sequence;
    private String finishReason;
    private long reasoningTokens;

    /** @param response the response {@link ResponseObjects#started} made, filled in as the stream goes */
    ChunksToEvents(ObjectMapper mapper, ObjectNode response) {
        this.mapper = mapper;
        this.response = response;
        this.responseId = response.get("id").asText();
    }

    /** The opening events, sent as soon as the upstream accepted. */
    List<Event> start() {
        List<Event> events = new ArrayList<>();
        event("response.created", events).set("response", response.deepCopy());
        event("response.in_progress", events).set("response", response.deepCopy());
        return events;
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
        if (chunk.path("usage").isObject()) {
            reasoningTokens = ResponseObjects.reasoningTokens(chunk.get("usage"));
        }
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String reasoning = delta.path("reasoning_content").asText("");
        if (!reasoning.isEmpty()) {
            OpenItem item = openOf(Kind.REASONING, events);
            item.text.append(reasoning);
            itemEvent("response.reasoning_summary_text.delta", item, events).put("summary_index", 0)
                    .put("delta", reasoning);
        }
        String text = delta.path("content").asText("");
        if (!text.isEmpty()) {
            OpenItem item = openOf(Kind.MESSAGE, events);
            item.text.append(text);
            itemEvent("response.output_text.delta", item, events).put("content_index", 0).put("delta", text)
                    .putArray("logprobs");
        }
        for (JsonNode call : delta.path("tool_calls")) {
            toolCall(call, events);
        }
        if (choice.path("finish_reason").isTextual()) {
            finishReason = choice.get("finish_reason").asText();
        }
        return events;
    }

    /** The closing events of a complete stream, with what it cost; the last is the finished response. */
    List<Event> finish(TokenUsage used) {
        List<Event> events = new ArrayList<>();
        if (open == null && done.isEmpty()) {
            openOf(Kind.MESSAGE, events);  // an empty answer is still one message, as the JSON answer has it
        }
        close(events, "length".equals(finishReason) ? "incomplete" : "completed");
        done.values().forEach(((ArrayNode) response.get("output"))::add);
        ResponseObjects.finish(response, finishReason, used, reasoningTokens);
        String status = response.get("status").asText();
        event("response." + status, events).set("response", response);
        return events;
    }

    /** The finished response, once {@link #finish} made it. */
    ObjectNode response() {
        return response;
    }

    /** The event that ends a broken stream, in place of {@code response.completed}. */
    Event error(ApiError error) {
        List<Event> events = new ArrayList<>();
        ObjectNode data = event("error", events);
        data.put("code", error.code()).put("message", error.getMessage()).putNull("param");
        return events.getFirst();
    }

    /**
     * A tool call's first piece opens a function_call item, and each argument fragment is a delta of it. A piece with
     * a new id is a new call even at an index already seen: some servers number every call 0.
     */
    private void toolCall(JsonNode call, List<Event> events) {
        int callIndex = call.path("index").asInt(0);
        String callId = call.path("id").asText(null);
        OpenItem item = calls.get(callIndex);
        if (item == null || callId != null && !callId.equals(item.item.get("call_id").asText())) {
            close(events, "completed");
            int index = nextOutput++;
            String id = ResponseObjects.itemId("fc", responseId, index);
            item = new OpenItem(Kind.FUNCTION_CALL, index, ResponseObjects.functionCall(id,
                    callId != null ? callId : "call_" + id, call.path("function").path("name").asText(""), "",
                    "in_progress", mapper));
            open = item;
            calls.put(callIndex, item);
            added(item, events);
        }
        String arguments = call.path("function").path("arguments").asText("");
        if (!arguments.isEmpty()) {
            item.text.append(arguments);
            itemEvent("response.function_call_arguments.delta", item, events).put("delta", arguments);
        }
    }

    /** The open item of that kind, closing another and opening a new one if needed. */
    private OpenItem openOf(Kind kind, List<Event> events) {
        if (open != null && open.kind == kind) {
            return open;
        }
        close(events, "completed");
        int index = nextOutput++;
        open = kind == Kind.REASONING
                ? new OpenItem(kind, index, ResponseObjects.reasoning(ResponseObjects.itemId("rs", responseId, index),
                        null, mapper))
                : new OpenItem(kind, index, ResponseObjects.message(ResponseObjects.itemId("msg", responseId, index),
                        null, "in_progress", mapper));
        added(open, events);
        if (kind == Kind.REASONING) {
            itemEvent("response.reasoning_summary_part.added", open, events).put("summary_index", 0)
                    .set("part", ResponseObjects.summaryText("", mapper));
        } else {
            itemEvent("response.content_part.added", open, events).put("content_index", 0)
                    .set("part", ResponseObjects.outputText("", mapper));
        }
        return open;
    }

    private void added(OpenItem item, List<Event> events) {
        ObjectNode data = event("response.output_item.added", events).put("output_index", item.outputIndex);
        data.set("item", item.item.deepCopy());
    }

    /** Ends the open item: its text done, its part done, the item done with its final shape. */
    private void close(List<Event> events, String status) {
        if (open == null) {
            return;
        }
        OpenItem item = open;
        open = null;
        String text = item.text.toString();
        ObjectNode finished = switch (item.kind) {
            case REASONING -> {
                itemEvent("response.reasoning_summary_text.done", item, events).put("summary_index", 0)
                        .put("text", text);
                itemEvent("response.reasoning_summary_part.done", item, events).put("summary_index", 0)
                        .set("part", ResponseObjects.summaryText(text, mapper));
                yield ResponseObjects.reasoning(item.id(), text, mapper);
            }
            case MESSAGE -> {
                itemEvent("response.output_text.done", item, events).put("content_index", 0).put("text", text)
                        .putArray("logprobs");
                itemEvent("response.content_part.done", item, events).put("content_index", 0)
                        .set("part", ResponseObjects.outputText(text, mapper));
                yield ResponseObjects.message(item.id(), text, status, mapper);
            }
            case FUNCTION_CALL -> {
                itemEvent("response.function_call_arguments.done", item, events).put("name",
                        item.item.get("name").asText()).put("arguments", text);
                yield ResponseObjects.functionCall(item.id(), item.item.get("call_id").asText(),
                        item.item.get("name").asText(), text, "completed", mapper);
            }
        };
        done.put(item.outputIndex, finished);
        event("response.output_item.done", events).put("output_index", item.outputIndex).set("item", finished);
    }

    /** An event about one item: {@code item_id} and {@code output_index} set. */
    private ObjectNode itemEvent(String type, OpenItem item, List<Event> events) {
        return event(type, events).put("item_id", item.id()).put("output_index", item.outputIndex);
    }

    /** Adds an event of that type and returns its data, {@code {"type","sequence_number"}} so far. */
    private ObjectNode event(String type, List<Event> events) {
        ObjectNode data = mapper.createObjectNode().put("type", type).put("sequence_number", sequence++);
        events.add(new Event(type, data));
        return data;
    }
}
