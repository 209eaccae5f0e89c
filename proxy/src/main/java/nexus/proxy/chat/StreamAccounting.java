package nexus.proxy.chat;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.usage.TokenUsage;

/**
 * Watches one stream's chunks as they pass: the usage the upstream reported, when content first arrived, an in-band
 * error, and the whole answer reassembled (for token estimation and message storage). One per stream; one thread.
 */
public final class StreamAccounting {

    /** What to do with a chunk. */
    public enum Verdict { FORWARD, HIDE, ERROR }

    private final ObjectMapper mapper;
    private final boolean clientWantsUsage;
    private final Map<Integer, ChoiceAssembly> choices = new TreeMap<>();
    private TokenUsage reported;
    private long firstContentNanos;
    private String completionId;
    private String model;
    private long created;

    public StreamAccounting(ObjectMapper mapper, boolean clientWantsUsage) {
        this.mapper = mapper;
        this.clientWantsUsage = clientWantsUsage;
    }

    /** Reads one chunk payload; a chunk that is not JSON is forwarded untouched and otherwise ignored. */
    public Verdict inspect(String payload) {
        JsonNode chunk;
        try {
            chunk = mapper.readTree(payload);
        } catch (IOException e) {
            return Verdict.FORWARD;
        }
        if (chunk == null || !chunk.isObject()) {
            return Verdict.FORWARD;
        }
        if (chunk.has("error") && !chunk.has("choices")) {
            return Verdict.ERROR;
        }
        if (completionId == null && chunk.path("id").isTextual()) {
            completionId = chunk.get("id").asText();
            model = chunk.path("model").asText(null);
            created = chunk.path("created").asLong();
        }
        JsonNode choiceList = chunk.path("choices");
        for (JsonNode choice : choiceList) {
            ChoiceAssembly assembly = choices.computeIfAbsent(choice.path("index").asInt(), ChoiceAssembly::new);
            if (assembly.add(choice) && firstContentNanos == 0) {
                firstContentNanos = System.nanoTime();
            }
        }
        TokenUsage usage = TokenUsage.reported(chunk.get("usage"));
        if (usage != null) {
            reported = usage;
            if (!clientWantsUsage && choiceList.isEmpty()) {
                return Verdict.HIDE;
            }
        }
        return Verdict.FORWARD;
    }

    /** The usage the upstream reported, or null. */
    public TokenUsage reported() {
        return reported;
    }

    /** {@link System#nanoTime()} when the first content arrived; 0 when none did. */
    public long firstContentNanos() {
        return firstContentNanos;
    }

    public String completionId() {
        return completionId;
    }

    /** All generated text (content, reasoning, tool arguments) of every choice, for counting tokens. */
    public String generatedText() {
        StringBuilder text = new StringBuilder();
        choices.values().forEach(choice -> choice.appendGenerated(text));
        return text.toString();
    }

    /** The stream as one {@code chat.completion} object, as if it had not been streamed. */
    public ObjectNode assembled() {
        ObjectNode completion = mapper.createObjectNode();
        completion.put("id", completionId);
        completion.put("object", "chat.completion");
        completion.put("created", created);
        completion.put("model", model);
        ArrayNode list = completion.putArray("choices");
        choices.values().forEach(choice -> list.add(choice.toJson(mapper)));
        if (reported != null) {
            ObjectNode usage = completion.putObject("usage");
            usage.put("prompt_tokens", reported.promptTokens());
            usage.put("completion_tokens", reported.completionTokens());
            usage.put("total_tokens", reported.totalTokens());
        }
        return completion;
    }
}
