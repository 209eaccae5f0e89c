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
 * (role, content pieces, finish, usage), with the configured delay before each content piece; for a legacy
 * completion the same as {@code text_completion} objects with {@code choices[].text}. One reader thread.
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
        ObjectNode completion = envelope(answer.textCompletion() ? "text_completion" : "chat.completion");
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        if (answer.textCompletion()) {
            choice.put("text", answer.text());
        } else {
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", answer.text());
            message.putNull("refusal");
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", answer.finishReason());
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
        if (answer.textCompletion()) {
            return textScript();
        }
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
        script.add(new Step(prefix + "{},\"logprobs\":null,\"finish_reason\":\"" + answer.finishReason() + "\"}]}",
                false));
        script.add(usageStep("chat.completion.chunk"));
        return script;
    }

    /** A legacy completion stream: one {@code text_completion} per piece, a finish, and the usage. */
    private Deque<Step> textScript() throws IOException {
        String prefix = "{\"id\":" + mapper.writeValueAsString(answer.id())
                + ",\"object\":\"text_completion\",\"created\":" + answer.createdSeconds()
                + ",\"model\":" + mapper.writeValueAsString(answer.model()) + ",\"choices\":[{\"index\":0,\"text\":";
        boolean pauses = settings.delayMillis() > 0;
        Deque<Step> script = new ArrayDeque<>();
        for (String piece : answer.pieces(settings.chunks())) {
            script.add(new Step(prefix + mapper.writeValueAsString(piece) + ",\"logprobs\":null,\"finish_reason\":null}]}",
                    pauses));
        }
        script.add(new Step(prefix + "\"\",\"logprobs\":null,\"finish_reason\":\"" + answer.finishReason() + "\"}]}",
                false));
        script.add(usageStep("text_completion"));
        return script;
    }

    /** The last chunk, as an upstream asked for {@code stream_options.include_usage} sends it. */
    private Step usageStep(String object) throws IOException {
        ObjectNode usageChunk = envelope(object);
        usageChunk.putArray("choices");
        usage(usageChunk);
        return new Step(mapper.writeValueAsString(usageChunk), false);
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
