package nexus.proxy.endpoints;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.usage.TokenCounter;
import nexus.proxy.usage.TokenUsage;

/**
 * What sets one endpoint apart from the others: how its request is checked and what its answer cost. Everything else
 * (authentication, routing, the upstream call, relaying, the usage row) is the same for all. Stateless.
 */
public interface EndpointRules {

    /** Checks the endpoint's own fields; a problem is a 400 naming the field. {@code model} is checked already. */
    void validate(ObjectNode body);

    /** Whether {@code "stream": true} is served (as server-sent events). */
    default boolean streams() {
        return false;
    }

    /** The prompt's tokens counted from the request, for when the upstream reports none. */
    long promptTokens(ObjectNode body, TokenCounter tokens, String model);

    /** The top-level fields of the answer that {@link #reported} and {@link #generatedText} read. */
    default Set<String> answerFields() {
        return Set.of("usage");
    }

    /** What the answer cost by its own report (from the kept fields), or null when it reports nothing usable. */
    TokenUsage reported(ObjectNode answerFields);

    /** The images the answer generated, given how many entries its {@code data} array has. */
    default long images(int dataEntries) {
        return 0;
    }

    /** The text the answer generated (from the kept fields), for estimating its tokens. */
    default String generatedText(ObjectNode answerFields) {
        return "";
    }

    /**
     * Whether the upstream's answer is rewritten into the shape Nexus answers (read whole, then {@link #rewrite}), or
     * relayed byte for byte as it arrives.
     */
    default boolean rewritesAnswer() {
        return false;
    }

    /** The answer in Nexus's shape, or null when the upstream's answer is unusable. */
    default ObjectNode rewrite(JsonNode answer, ObjectNode request) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " relays answers as they come");
    }
}
