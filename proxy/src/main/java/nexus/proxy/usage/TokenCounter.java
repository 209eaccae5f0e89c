package nexus.proxy.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Counts tokens the way OpenAI's tokenizers do (jtokkit): o200k_base for the GPT-4o generation and later, cl100k_base
 * for everything else, which is close enough for other vendors' models. Encodings load on first use. Thread-safe.
 */
public final class TokenCounter {

    /** OpenAI's per-message overhead in chat formatting, and the reply primer. */
    private static final int TOKENS_PER_MESSAGE = 3;
    private static final int TOKENS_PER_NAME = 1;
    private static final int REPLY_PRIMER_TOKENS = 3;
    /** What a low-detail image costs; Nexus does not fetch images to size them. */
    private static final int TOKENS_PER_IMAGE = 85;

    private final EncodingRegistry registry = Encodings.newLazyEncodingRegistry();

    /** Tokens of plain text. */
    public int count(String text, String model) {
        return text == null || text.isEmpty() ? 0 : encoding(model).countTokensOrdinary(text);
    }

    /** Tokens a list of chat messages costs as a prompt. */
    public int countPrompt(JsonNode messages, String model) {
        Encoding encoding = encoding(model);
        int total = REPLY_PRIMER_TOKENS;
        for (JsonNode message : messages) {
            total += TOKENS_PER_MESSAGE;
            total += encoding.countTokensOrdinary(message.path("role").asText(""));
            total += contentTokens(message.get("content"), encoding);
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

    private static int contentTokens(JsonNode content, Encoding encoding) {
        if (content == null || content.isNull()) {
            return 0;
        }
        if (content.isTextual()) {
            return encoding.countTokensOrdinary(content.asText());
        }
        int total = 0;
        for (JsonNode part : content) {
            if (part.path("text").isTextual()) {
                total += encoding.countTokensOrdinary(part.get("text").asText());
            } else if (part.has("image_url")) {
                total += TOKENS_PER_IMAGE;
            }
        }
        return total;
    }

    /** The text cut to its first {@code maxTokens} tokens (a token split inside a character may end it oddly). */
    public String truncate(String text, int maxTokens, String model) {
        Encoding encoding = encoding(model);
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

    private Encoding encoding(String model) {
        return registry.getEncoding(usesO200k(model) ? EncodingType.O200K_BASE : EncodingType.CL100K_BASE);
    }

    private static boolean usesO200k(String model) {
        String name = model == null ? "" : model.toLowerCase(java.util.Locale.ROOT);
        return name.startsWith("gpt-4o") || name.startsWith("gpt-4.1") || name.startsWith("gpt-4.5")
                || name.startsWith("gpt-5") || name.startsWith("o1") || name.startsWith("o3") || name.startsWith("o4")
                || name.startsWith("chatgpt-4o");
    }
}
