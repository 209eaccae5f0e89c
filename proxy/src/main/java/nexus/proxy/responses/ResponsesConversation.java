package nexus.proxy.responses;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.conversations.ConversationItems;
import nexus.shared.db.MessageDraft;

/**
 * The conversation a Responses API request names ({@code conversation}), kept as OpenAI keeps it: its items go before
 * the request's input, and once the response is complete (or incomplete) the request's input items, then the
 * response's output items, are appended to it in one transaction. A failed or cut call appends nothing. Items the
 * store has no form for (reasoning, built-in tool calls) are not kept. Thread-safe.
 */
final class ResponsesConversation {

    /**
     * How many of a conversation's newest items go before the input: the largest page the conversations API serves.
     * A longer conversation has outgrown any model's context; its older items are left out, as OpenAI's
     * {@code truncation: auto} would, rather than read without bound.
     */
    static final int HISTORY_LIMIT = 1000;

    private static final Logger log = LoggerFactory.getLogger(ResponsesConversation.class);

    /**
     * One request's conversation: its id and owner, the request, the items that go before the input, and the input
     * made ready to append.
     */
    record Turn(String conversationId, String owner, String requestId, ArrayNode history, List<MessageDraft> input) {}

    private final ConversationItems items;
    private final ObjectMapper mapper;

    ResponsesConversation(ConversationItems items, ObjectMapper mapper) {
        this.items = items;
        this.mapper = mapper;
    }

    /**
     * The turn of a request naming a conversation, null for one that names none: 404 when the conversation is not the
     * owner's, 400 naming the input item the store cannot keep. Nothing is written.
     */
    Turn open(String owner, String requestId, ResponsesRequest request) {
        String id = request.conversationId();
        if (id == null) {
            return null;
        }
        ConversationItems.Tail tail = items.tail(id, owner, HISTORY_LIMIT);
        ArrayNode history = tail.items();
        while (tail.truncated() && !history.isEmpty()
                && "function_call_output".equals(history.get(0).path("type").asText())) {
            history.remove(0);  // its call was left out with the older items
        }
        List<MessageDraft> input = new ArrayList<>();
        ArrayNode inputItems = request.inputItems();
        for (int index = 0; index < inputItems.size(); index++) {
            JsonNode item = inputItems.get(index);
            if (!"reasoning".equals(item.path("type").asText())) {
                input.add(items.draft(item, "input[" + index + "]"));
            }
        }
        return new Turn(id, owner, requestId, history, input);
    }

    /** Appends the turn's input and the finished response's output, when it completed (fully or not). */
    void append(Turn turn, JsonNode response) {
        String status = response.path("status").asText();
        if (turn == null || !(status.equals("completed") || status.equals("incomplete"))) {
            return;
        }
        String model = response.path("model").asText(null);
        String responseId = response.path("id").asText(null);
        String requestId = turn.requestId();
        List<MessageDraft> drafts = new ArrayList<>();
        turn.input().forEach(draft -> drafts.add(fromCall(draft, model, responseId, requestId)));
        JsonNode output = response.path("output");
        for (int index = 0; index < output.size(); index++) {
            JsonNode item = keepable(output.get(index));
            if (item != null) {
                drafts.add(fromCall(items.draft(item, "output[" + index + "]"), model, responseId, requestId));
            }
        }
        if (!items.append(turn.conversationId(), turn.owner(), drafts)) {
            log.info("Conversation {} was deleted during request {}; its turn is not kept", turn.conversationId(),
                    requestId);
        }
    }

    /** An output item as the store keeps it: a message's text, or a function call; null for what it cannot keep. */
    private JsonNode keepable(JsonNode item) {
        switch (item.path("type").asText()) {
            case "message" -> {
                ArrayNode text = mapper.createArrayNode();
                item.path("content").forEach(part -> {
                    if ("output_text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
                        text.add(part);
                    }
                });
                if (text.isEmpty()) {
                    return null;
                }
                ObjectNode message = mapper.createObjectNode().put("type", "message").put("role", "assistant");
                message.set("content", text);
                return message;
            }
            case "function_call" -> {
                boolean whole = item.path("call_id").isTextual() && item.path("name").isTextual()
                        && item.path("arguments").isTextual();
                return whole ? item : null;
            }
            default -> {
                return null;
            }
        }
    }

    private static MessageDraft fromCall(MessageDraft draft, String model, String responseId, String requestId) {
        return new MessageDraft(draft.id(), draft.role(), draft.message(), draft.metadata(), model, null, responseId,
                requestId);
    }
}
