package nexus.proxy.chat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.usage.TokenUsage;

/**
 * Watches one stream's chunks (chat completion chunks, or legacy {@code text_completion} ones) as they pass: the usage the upstream reported, when content first arrived, an in-band
 * error, and the whole answer reassembled (for token estimation and message storage). One per stream; one thread.
 *
 * <p>Cheap per chunk: only a chunk that mentions {@code "error"} or a non-null {@code "usage"} is parsed into a tree;
 * until the completion id and the first content are known a chunk is scanned with a streaming parser (no tree); after
 * that a chunk costs two substring searches. The answer is reassembled from the kept chunks when asked for, or
 * when they pass {@link #MAX_KEPT_CHARS}: a long stream is folded into its choices' text as it goes, so what a stream
 * holds stays near the size of its text rather than growing by a whole chunk per token.
 */
public final class StreamAccounting {

    /** What to do with a chunk. */
    public enum Verdict { FORWARD, HIDE, ERROR, USAGE }

    private static final String USAGE_KEY = "\"usage\"";
    private static final String ERROR_KEY = "\"error\"";
    /** Kept chunks beyond this many characters are folded into the assembly (about 80 typical chunks). */
    static final int MAX_KEPT_CHARS = 16 * 1024;

    private final ObjectMapper mapper;
    private final boolean clientWantsUsage;
    /** Every chunk that was not an error, in order, for reassembly on demand. */
    private final List<String> kept = new ArrayList<>();
    private int keptChars;
    private Map<Integer, ChoiceAssembly> choices;
    private ObjectNode usageChunk;
    private TokenUsage reported;
    private long firstContentNanos;
    private String completionId;
    private boolean modelRead;
    private String model;
    private long created;

    public StreamAccounting(ObjectMapper mapper, boolean clientWantsUsage) {
        this.mapper = mapper;
        this.clientWantsUsage = clientWantsUsage;
    }

    /** Reads one chunk payload; a chunk that is not JSON is forwarded untouched and otherwise ignored. */
    public Verdict inspect(String payload) {
        if (payload.contains(ERROR_KEY) || mentionsUsage(payload)) {
            return inspectTree(payload);
        }
        keep(payload);
        if (completionId == null || firstContentNanos == 0) {
            scan(payload);
        }
        return Verdict.FORWARD;
    }

    private void keep(String payload) {
        kept.add(payload);
        keptChars += payload.length();
        if (keptChars > MAX_KEPT_CHARS) {
            assemble();
        }
    }

    /** The full parse, for a chunk that may carry usage or an error. */
    private Verdict inspectTree(String payload) {
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
        keep(payload);
        if (completionId == null && chunk.path("id").isTextual()) {
            completionId = chunk.get("id").asText();
        }
        JsonNode choiceList = chunk.path("choices");
        for (JsonNode choice : choiceList) {
            if (firstContentNanos == 0 && ChoiceAssembly.carriesContent(choice)) {
                firstContentNanos = System.nanoTime();
            }
        }
        TokenUsage usage = TokenUsage.reported(chunk.get("usage"));
        if (usage != null) {
            reported = usage;
            if (!clientWantsUsage && choiceList.isEmpty()) {
                return Verdict.HIDE;
            }
            usageChunk = (ObjectNode) chunk;
            return Verdict.USAGE;
        }
        return Verdict.FORWARD;
    }

    /** True unless every {@code "usage"} in the text is followed by {@code : null} (a false true only costs a parse). */
    static boolean mentionsUsage(String payload) {
        int at = payload.indexOf(USAGE_KEY);
        while (at >= 0) {
            int i = skipSpace(payload, at + USAGE_KEY.length());
            if (i >= payload.length() || payload.charAt(i) != ':') {
                return true;
            }
            i = skipSpace(payload, i + 1);
            if (!payload.startsWith("null", i)) {
                return true;
            }
            at = payload.indexOf(USAGE_KEY, i);
        }
        return false;
    }

    private static int skipSpace(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * A streaming pass over a chunk without usage or error: its id, and whether a choice's delta carries content.
     * Counts only when the whole object parses, as the tree parse it stands in for would.
     */
    private void scan(String payload) {
        String id = null;
        boolean content = false;
        try (JsonParser parser = mapper.getFactory().createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("id")) {
                    id = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                } else if (name.equals("choices") && (value == JsonToken.START_ARRAY || value == JsonToken.START_OBJECT)) {
                    content |= scanChoices(parser, value);
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            return;
        }
        if (completionId == null && id != null) {
            completionId = id;
        }
        if (content && firstContentNanos == 0) {
            firstContentNanos = System.nanoTime();
        }
    }

    /** The children of an array or object (a tree iterates an object's values too), each scanned when an object. */
    private static boolean scanChoices(JsonParser parser, JsonToken container) throws IOException {
        boolean content = false;
        JsonToken end = container == JsonToken.START_ARRAY ? JsonToken.END_ARRAY : JsonToken.END_OBJECT;
        JsonToken token;
        while ((token = parser.nextToken()) != end) {
            if (token == JsonToken.FIELD_NAME) {
                token = parser.nextToken();
            }
            if (token == JsonToken.START_OBJECT) {
                content |= scanChoice(parser);
            } else {
                parser.skipChildren();
            }
        }
        return content;
    }

    private static boolean scanChoice(JsonParser parser) throws IOException {
        boolean content = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals("delta") && value == JsonToken.START_OBJECT) {
                content |= scanDelta(parser);
            } else if (name.equals("text") && value == JsonToken.VALUE_STRING) {
                content |= parser.getTextLength() > 0;  // a legacy completion's piece
            } else {
                parser.skipChildren();
            }
        }
        return content;
    }

    private static boolean scanDelta(JsonParser parser) throws IOException {
        boolean content = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ((name.equals("content") || name.equals("reasoning_content")) && value == JsonToken.VALUE_STRING) {
                content |= parser.getTextLength() > 0;
            } else if (name.equals("tool_calls") && (value == JsonToken.START_ARRAY || value == JsonToken.START_OBJECT)) {
                JsonToken end = value == JsonToken.START_ARRAY ? JsonToken.END_ARRAY : JsonToken.END_OBJECT;
                JsonToken token;
                while ((token = parser.nextToken()) != end) {
                    if (token == JsonToken.FIELD_NAME) {
                        parser.nextToken();
                    }
                    content = true;
                    parser.skipChildren();
                }
            } else {
                parser.skipChildren();
            }
        }
        return content;
    }

    /** The last chunk that reported usage and is forwarded ({@link Verdict#USAGE}), parsed; null before one. */
    public ObjectNode usageChunk() {
        return usageChunk;
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
        assemble().values().forEach(choice -> choice.appendGenerated(text));
        return text.toString();
    }

    /** The stream as one {@code chat.completion} object, as if it had not been streamed. */
    public ObjectNode assembled() {
        Map<Integer, ChoiceAssembly> assembly = assemble();
        ObjectNode completion = mapper.createObjectNode();
        completion.put("id", completionId);
        completion.put("object", "chat.completion");
        completion.put("created", created);
        completion.put("model", model);
        ArrayNode list = completion.putArray("choices");
        assembly.values().forEach(choice -> list.add(choice.toJson(mapper)));
        if (reported != null) {
            ObjectNode usage = completion.putObject("usage");
            usage.put("prompt_tokens", reported.promptTokens());
            usage.put("completion_tokens", reported.completionTokens());
            usage.put("total_tokens", reported.totalTokens());
        }
        return completion;
    }

    /** The choices put back together from the kept chunks, once; chunks after that are added as they were kept. */
    private Map<Integer, ChoiceAssembly> assemble() {
        if (choices == null) {
            choices = new TreeMap<>();
        }
        for (String payload : kept) {
            JsonNode chunk;
            try {
                chunk = mapper.readTree(payload);
            } catch (IOException e) {
                continue;
            }
            if (chunk == null || !chunk.isObject()) {
                continue;
            }
            if (!modelRead && chunk.path("id").isTextual()) {
                modelRead = true;
                model = chunk.path("model").asText(null);
                created = chunk.path("created").asLong();
            }
            for (JsonNode choice : chunk.path("choices")) {
                choices.computeIfAbsent(choice.path("index").asInt(), ChoiceAssembly::new).add(choice);
            }
        }
        kept.clear();
        keptChars = 0;
        return choices;
    }
}
