package nexus.proxy.endpoints;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.usage.TokenCounter;
import nexus.proxy.usage.TokenUsage;

/** {@code POST /v1/completions}: the legacy text completion, answered whole or streamed as text_completion chunks. */
public final class CompletionsRules implements EndpointRules {

    @Override
    public void validate(ObjectNode body) {
        TextInput.read(body, "prompt", true);
        Fields.integer(body, "max_tokens", 0, Integer.MAX_VALUE);
        Fields.integer(body, "n", 1, 128);
        Fields.string(body, "suffix");
        Fields.bool(body, "echo");
        Fields.string(body, "user");
    }

    @Override
    public boolean streams() {
        return true;
    }

    @Override
    public long promptTokens(ObjectNode body, TokenCounter tokens, String model) {
        return TextInput.read(body, "prompt", true).tokens(tokens, model);
    }

    @Override
    public Set<String> answerFields() {
        return Set.of("usage", "choices");
    }

    @Override
    public TokenUsage reported(ObjectNode answerFields) {
        return TokenUsage.reported(answerFields.get("usage"));
    }

    /** The text of every choice. */
    @Override
    public String generatedText(ObjectNode answerFields) {
        StringBuilder text = new StringBuilder();
        for (JsonNode choice : answerFields.path("choices")) {
            text.append(choice.path("text").asText(""));
        }
        return text.toString();
    }
}
