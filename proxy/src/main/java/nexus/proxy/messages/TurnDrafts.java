package nexus.proxy.messages;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.chat.ConversationIds;
import nexus.shared.db.ConversationMessage;
import nexus.shared.db.MessageDraft;

/**
 * What one turn adds to its conversation: the request's messages after its last assistant message, less those the
 * conversation already holds after its own last assistant message (a chat app resends its whole history each turn,
 * and may have stored its user's message through the API first), then the answer. Stateless.
 */
final class TurnDrafts {

    private TurnDrafts() {}

    /** The messages to append, in order; none when the answer holds no message. */
    static List<MessageDraft> of(Turn turn, List<ConversationMessage> storedTail, ObjectMapper mapper) {
        ObjectNode answer = answer(turn.response(), mapper);
        if (answer == null) {
            return List.of();
        }
        String model = turn.response().path("model").asText(turn.model());
        String generationId = turn.response().path("id").asText(null);
        List<JsonNode> held = new ArrayList<>();
        for (ConversationMessage stored : storedTail) {
            held.add(read(stored.message(), mapper));
        }
        List<MessageDraft> drafts = new ArrayList<>();
        for (JsonNode message : newMessages(turn.messages())) {
            JsonNode same = held.stream().filter(stored -> sameMessage(stored, message)).findFirst().orElse(null);
            if (same != null) {
                held.remove(same);
                continue;
            }
            drafts.add(draft(message, model, null, generationId, turn.requestId(), mapper));
        }
        JsonNode usage = turn.response().get("usage");
        drafts.add(draft(answer, model, usage == null || usage.isNull() ? null : usage, generationId,
                turn.requestId(), mapper));
        return drafts;
    }

    /** The request's messages after its last assistant message (all of them when it has none). */
    private static List<JsonNode> newMessages(JsonNode messages) {
        List<JsonNode> all = new ArrayList<>();
        if (messages != null) {
            messages.forEach(all::add);
        }
        int lastAssistant = -1;
        for (int index = 0; index < all.size(); index++) {
            if ("assistant".equals(all.get(index).path("role").asText())) {
                lastAssistant = index;
            }
        }
        return all.subList(lastAssistant + 1, all.size());
    }

    /** The assistant's message: the first choice's of a chat completion, or an Anthropic message's content. */
    private static ObjectNode answer(JsonNode response, ObjectMapper mapper) {
        if (response == null) {
            return null;
        }
        JsonNode message = response.path("choices").path(0).path("message");
        if (message.isObject()) {
            return ((ObjectNode) message.deepCopy()).put("role", "assistant");
        }
        if ("message".equals(response.path("type").asText()) && response.has("content")) {
            ObjectNode anthropic = mapper.createObjectNode().put("role", "assistant");
            anthropic.set("content", response.get("content"));
            return anthropic;
        }
        return null;
    }

    private static boolean sameMessage(JsonNode stored, JsonNode sent) {
        return Objects.equals(stored.path("role"), sent.path("role"))
                && Objects.equals(stored.path("content"), sent.path("content"))
                && Objects.equals(stored.path("tool_call_id"), sent.path("tool_call_id"));
    }

    private static MessageDraft draft(JsonNode message, String model, JsonNode usage, String generationId,
                                      String requestId, ObjectMapper mapper) {
        return new MessageDraft(ConversationIds.createMessageId(), message.path("role").asText("user"),
                write(message, mapper), null, model, usage == null ? null : write(usage, mapper), generationId,
                requestId);
    }

    private static String write(JsonNode node, ObjectMapper mapper) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A message could not be written as JSON", e);
        }
    }

    private static JsonNode read(String json, ObjectMapper mapper) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored message is not JSON", e);
        }
    }
}
