package nexus.proxy.upstream.mock;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Deque;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.shared.db.MockSettings;

/**
 * The mock's answer in OpenAI's wire format: a {@code chat.completion}, or the chunks an OpenAI server streams
 * (role, content pieces, finish, usage), with the configured delay before each content piece. One reader thread.
 */
final class MockExchange implements nexus.proxy.upstream.Exchange {

    private final MockAnswer answer;
    private final MockSettings settings;
    private final ObjectMapper mapper;
    private Deque<Step> steps;
    private volatile boolean closed;

    MockExchange(MockAnswer answer, MockSettings settings, ObjectMapper mapper) {
        this.answer = answer;
        this.settings = settings;
        this.mapper = mapper;
    }

    @Override
    public byte[] body() throws IOException {
        ObjectNode completion = envelope("chat.completion");
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", answer.text());
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        usage(completion);
        return mapper.writeValueAsBytes(completion);
    }

    @Override
    public String nextChunk() throws IOException {
        if (steps == null) {
            steps = script();
        }
        Step next = steps.poll();
        if (next == null) {
            return null;
        }
        if (next.pauseBefore()) {
            pause();
        }
        return next.payload();
    }

    /** One chunk payload, and whether the configured delay comes before it (it does before each content piece). */
    private record Step(String payload, boolean pauseBefore) {}

    private Deque<Step> script() throws IOException {
        String prefix = "{\"id\":" + mapper.writeValueAsString(answer.id())
                + ",\"object\":\"chat.completion.chunk\",\"created\":" + answer.createdSeconds()
                + ",\"model\":" + mapper.writeValueAsString(answer.model()) + ",\"choices\":[{\"index\":0,\"delta\":";
        boolean pauses = settings.delayMillis() > 0;
        Deque<Step> script = new ArrayDeque<>();
        script.add(new Step(prefix + "{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}",
                false));
        for (String piece : answer.pieces(settings.chunks())) {
            script.add(new Step(prefix + "{\"content\":" + mapper.writeValueAsString(piece)
                    + "},\"logprobs\":null,\"finish_reason\":null}]}", pauses));
        }
        script.add(new Step(prefix + "{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}", false));
        ObjectNode usageChunk = envelope("chat.completion.chunk");
        usageChunk.putArray("choices");
        usage(usageChunk);
        script.add(new Step(mapper.writeValueAsString(usageChunk), false));
        return script;
    }

    private ObjectNode envelope(String object) {
        ObjectNode node = mapper.createObjectNode();
        node.put("id", answer.id());
        node.put("object", object);
        node.put("created", answer.createdSeconds());
        node.put("model", answer.model());
        return node;
    }

    private void usage(ObjectNode node) {
        ObjectNode usage = node.putObject("usage");
        usage.put("prompt_tokens", answer.promptTokens());
        usage.put("completion_tokens", answer.completionTokens());
        usage.put("total_tokens", answer.promptTokens() + answer.completionTokens());
    }

    private void pause() throws InterruptedIOException {
        if (closed) {
            throw new InterruptedIOException("closed");
        }
        try {
            Thread.sleep(settings.delayMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
