package nexus.proxy.anthropic;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** Maps an OpenAI choice's {@code finish_reason} to Anthropic's {@code stop_reason}. Stateless. */
final class StopReasons {

    private StopReasons() {}

    /** Anthropic's stop reason and, when it is {@code stop_sequence}, the sequence that matched. */
    record StopReason(String reason, String sequence) {}

    /**
     * stop → end_turn, length → max_tokens, tool_calls → tool_use, content_filter → refusal. OpenAI does not say
     * which stop sequence ended a {@code stop}; servers that do (vLLM's {@code stop_reason}) make it stop_sequence.
     *
     * @param matched the choice's {@code stop_reason} field, when the server sent one
     */
    static StopReason of(String finishReason, JsonNode matched, List<String> stopSequences) {
        String reason = finishReason == null ? "stop" : finishReason;
        return switch (reason) {
            case "length" -> new StopReason("max_tokens", null);
            case "tool_calls", "function_call" -> new StopReason("tool_use", null);
            case "content_filter" -> new StopReason("refusal", null);
            default -> matched != null && matched.isTextual() && stopSequences.contains(matched.asText())
                    ? new StopReason("stop_sequence", matched.asText())
                    : new StopReason("end_turn", null);
        };
    }
}
