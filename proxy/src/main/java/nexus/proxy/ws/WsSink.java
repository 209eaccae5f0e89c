package nexus.proxy.ws;

import java.io.IOException;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.chat.ChunkSink;
import nexus.proxy.chat.StreamSummary;
import nexus.proxy.usage.TokenUsage;
import nexus.shared.error.ApiError;

/**
 * Writes a stream as WebSocket text frames, one JSON object each: {@code chunk} frames, then one {@code done} or
 * {@code error} frame. Each frame but {@code done} is written before the next is sent. One per connection; one thread
 * at a time.
 */
final class WsSink implements ChunkSink {

    private final FrameSender sender;
    private final ObjectMapper mapper;

    WsSink(FrameSender sender, ObjectMapper mapper) {
        this.sender = sender;
        this.mapper = mapper;
    }

    /** Nothing to announce: a WebSocket has no status line, the first chunk frame is the start. */
    @Override
    public void begin() {
    }

    /** {@code {"type":"chunk","data":<chat.completion.chunk>}}, the upstream's JSON kept byte for byte. */
    @Override
    public void chunk(String payload) {
        if (isJson(payload)) {
            sender.send("{\"type\":\"chunk\",\"data\":" + payload + "}", true);
        } else {
            ObjectNode frame = mapper.createObjectNode();
            frame.put("type", "chunk");
            frame.put("data", payload);  // not JSON: passed on as a string rather than breaking the frame
            send(frame, true);
        }
    }

    /** Each frame is sent whole when written; nothing waits. */
    @Override
    public void flush() {
    }

    /**
     * {@code {"type":"done","id","request_id","generation_id","conversation_id","usage":{…},"usage_source",
     * "billing":{…}}}; {@code generation_id} is what {@code POST /v1/feedback} rates.
     */
    @Override
    public void done(StreamSummary summary) {
        TokenUsage used = summary.usage();
        ObjectNode frame = mapper.createObjectNode();
        frame.put("type", "done");
        frame.put("id", summary.completionId());
        frame.put("request_id", summary.requestId());
        frame.put("generation_id", summary.requestId());
        frame.put("conversation_id", summary.conversationId());
        ObjectNode usage = frame.putObject("usage");
        usage.put("prompt_tokens", used.promptTokens());
        usage.put("completion_tokens", used.completionTokens());
        usage.put("total_tokens", used.totalTokens());
        frame.put("usage_source", used.source().wireName());
        summary.charge().describe(used, frame.putObject("billing"));
        send(frame, false);  // the end: queued, not awaited (see FrameSender)
    }

    /** {@code {"type":"error","error":{"message","type","param","code"}}}: OpenAI's error body. */
    @Override
    public void error(ApiError error) {
        ObjectNode frame = mapper.createObjectNode();
        frame.put("type", "error");
        frame.set("error", mapper.valueToTree(error.toEnvelope().error()));
        send(frame, true);
    }

    private void send(ObjectNode frame, boolean await) {
        try {
            sender.send(mapper.writeValueAsString(frame), await);
        } catch (JacksonException e) {
            throw new IllegalStateException("A frame built from a JSON tree could not be written", e);
        }
    }

    /** True when the payload is exactly one JSON value, so it can be spliced into a frame as it is. */
    private boolean isJson(String payload) {
        try (JsonParser parser = mapper.createParser(payload)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
