package nexus.proxy.responses;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.shared.error.ApiError;

/**
 * The items a kept response's own request sent, as {@code GET /v1/responses/{id}/input_items} lists them
 * (https://platform.openai.com/docs/api-reference/responses/input-items): each with an id (its own, or one made from
 * the response's id and its place), a message's string content as a text part, one page by {@code after},
 * {@code limit} and {@code order}. Stateless.
 */
final class InputItems {

    private InputItems() {}

    /** {@code {"object":"list","data","first_id","last_id","has_more"}}; a 400 naming {@code after} it does not hold. */
    static ObjectNode page(String responseId, ArrayNode sent, String after, int limit, boolean ascending) {
        List<ObjectNode> items = new ArrayList<>(sent.size());
        for (int index = 0; index < sent.size(); index++) {
            items.add(view(sent.get(index), responseId, index, sent.objectNode()));
        }
        if (!ascending) {
            items = items.reversed();
        }
        int from = 0;
        if (after != null && !after.isBlank()) {
            from = 1 + items.stream().map(item -> item.path("id").asText()).toList().indexOf(after);
            if (from == 0) {
                throw ApiError.invalidRequest("'after' names no input item of this response.", "after");
            }
        }
        List<ObjectNode> data = items.subList(from, Math.min(items.size(), from + limit));
        ObjectNode list = sent.objectNode().put("object", "list");
        list.putArray("data").addAll(data);
        return list.put("first_id", data.isEmpty() ? null : data.getFirst().path("id").asText())
                .put("last_id", data.isEmpty() ? null : data.getLast().path("id").asText())
                .put("has_more", from + data.size() < items.size());
    }

    private static ObjectNode view(JsonNode sent, String responseId, int index, ObjectNode item) {
        String type = sent.path("type").asText("message");
        String prefix = switch (type) {
            case "message" -> "msg";
            case "function_call" -> "fc";
            case "function_call_output" -> "fco";
            default -> "item";
        };
        item.put("id", sent.path("id").isTextual() ? sent.get("id").asText()
                : prefix + "_" + responseId.substring(responseId.indexOf('_') + 1) + "_in" + index);
        item.put("type", type);
        item.setAll((ObjectNode) sent.deepCopy());
        item.put("type", type);
        if (type.equals("message")) {
            JsonNode content = sent.path("content");
            if (content.isTextual()) {
                boolean assistant = "assistant".equals(sent.path("role").asText());
                ObjectNode part = item.putArray("content").addObject()
                        .put("type", assistant ? "output_text" : "input_text").put("text", content.asText());
                if (assistant) {
                    part.putArray("annotations");
                }
            }
            item.put("status", sent.path("status").asText("completed"));
        }
        return item;
    }
}
