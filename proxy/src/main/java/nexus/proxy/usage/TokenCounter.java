package nexus.proxy.usage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Counts tokens the way OpenAI's tokenizers do (jtokkit): o200k_base for the GPT-4o generation and later, cl100k_base
 * for everything else, which is close enough for other vendors' models. Encodings load on first use; the roles of chat
 * messages are counted once per encoding, and the texts of messages counted lately are kept (a prompt is counted on the
 * request path, and a chat client resends its earlier turns). Thread-safe.
 */
public final class TokenCounter {

    /** OpenAI's per-message overhead in chat formatting, and the reply primer. */
    private static final int TOKENS_PER_MESSAGE = 3;
    private static final int TOKENS_PER_NAME = 1;
    private static final int REPLY_PRIMER_TOKENS = 3;
    /** What a low-detail image costs; Nexus does not fetch images to size them. */
    private static final int TOKENS_PER_IMAGE = 85;

    private static final List<String> O200K_PREFIXES = List.of("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3",
            "o4", "chatgpt-4o");
    private static final List<String> ROLES = List.of("system", "developer", "user", "assistant", "tool");

    private final EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
    private volatile Counting cl100k;
    private volatile Counting o200k;

    /** An encoding with the token counts of the usual roles, and of the message texts counted lately. */
    private record Counting(Encoding encoding, Map<String, Integer> roles, RecentCounts texts) {

        static Counting of(Encoding encoding) {
            Map<String, Integer> roles = new HashMap<>();
            ROLES.forEach(role -> roles.put(role, encoding.countTokensOrdinary(role)));
            return new Counting(encoding, Map.copyOf(roles), new RecentCounts());
        }

        int text(String text) {
            return texts.count(text, encoding::countTokensOrdinary);
        }

        int role(String role) {
            Integer known = roles.get(role);
            return known != null ? known : encoding.countTokensOrdinary(role);
        }
    }

    /** Tokens of plain text. */
    public int count(String text, String model) {
        return text == null || text.isEmpty() ? 0 : counting(model).encoding().countTokensOrdinary(text);
    }

    /** Tokens a list of chat messages costs as a prompt. */
    public int countPrompt(JsonNode messages, String model) {
        Counting counting = counting(model);
        Encoding encoding = counting.encoding();
        int total = REPLY_PRIMER_TOKENS;
        for (JsonNode message : messages) {
            total += TOKENS_PER_MESSAGE;
            total += counting.role(message.path("role").asText(""));
            total += contentTokens(message.get("content"), counting);
            if (message.path("name").isTextual()) {
                total += TOKENS_PER_NAME + encoding.countTokensOrdinary(message.get("name").asText());
            }
            for (JsonNode call : message.path("tool_calls")) {
                total += encoding.countTokensOrdinary(call.path("function").path("name").asText(""));
                total += encoding.countTokensOrdinary(call.path("function").path("arguments").asText(""));
            }
        }
        return total;
    }

    private static int contentTokens(JsonNode content, Counting counting) {
        if (content == null || content.isNull()) {
            return 0;
        }
        if (content.isTextual()) {
            return counting.text(content.asText());
        }
        int total = 0;
        for (JsonNode part : content) {
            if (part.path("text").isTextual()) {
                total += counting.text(part.get("text").asText());
            } else if (part.has("image_url")) {
                total += TOKENS_PER_IMAGE;
            }
        }
        return total;
    }

    /** The text cut to its first {@code maxTokens} tokens (a token split inside a character may end it oddly). */
    public String truncate(String text, int maxTokens, String model) {
        Encoding encoding = counting(model).encoding();
        IntArrayList tokens = encoding.encodeOrdinary(text);
        if (tokens.size() <= maxTokens) {
            return text;
        }
        IntArrayList head = new IntArrayList(maxTokens);
        for (int index = 0; index < maxTokens; index++) {
            head.add(tokens.get(index));
        }
        return encoding.decode(head);
    }

    private Counting counting(String model) {
        if (usesO200k(model)) {
            Counting loaded = o200k;
            return loaded != null ? loaded : (o200k = Counting.of(registry.getEncoding(EncodingType.O200K_BASE)));
        }
        Counting loaded = cl100k;
        return loaded != null ? loaded : (cl100k = Counting.of(registry.getEncoding(EncodingType.CL100K_BASE)));
    }

    private static boolean usesO200k(String model) {
        if (model == null) {
            return false;
        }
        for (String prefix : O200K_PREFIXES) {
            if (model.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return true;
            }
        }
        return false;
    }
}
