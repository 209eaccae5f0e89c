package nexus.proxy.endpoints;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.usage.TokenCounter;
import nexus.shared.error.ApiError;

/**
 * The text a request hands to a model, as OpenAI's {@code input} (embeddings) and {@code prompt} (completions) take
 * it: a string, an array of strings, an array of token ids, or an array of token-id arrays (a batch). Each entry is
 * one item: its text, or its token ids. Immutable.
 */
public record TextInput(List<Item> items) {

    /** One input: text, or token ids (then {@code text} is null). */
    public record Item(String text, List<Long> tokenIds) {}

    /**
     * Reads and checks the field; a missing field, an empty array, a mixed array or another type is a 400 naming it.
     *
     * @param emptyTextAllowed whether an empty string is a valid item
     */
    public static TextInput read(ObjectNode body, String field, boolean emptyTextAllowed) {
        JsonNode value = Fields.optional(body, field);
        if (value == null) {
            throw ApiError.invalidRequest("Missing required parameter: '" + field + "'.", field);
        }
        String shapes = "'" + field + "' must be a string, an array of strings, an array of token ids or an array of"
                + " token-id arrays";
        if (value.isTextual()) {
            return new TextInput(List.of(text(value, field, emptyTextAllowed)));
        }
        if (!value.isArray()) {
            throw ApiError.invalidRequest(shapes + ".", field);
        }
        if (value.isEmpty()) {
            throw ApiError.invalidRequest("'" + field + "' must not be an empty array.", field);
        }
        JsonNode first = value.get(0);
        if (Fields.isTokenId(first)) {
            return new TextInput(List.of(new Item(null, tokenIds(value, field, shapes))));
        }
        List<Item> items = new ArrayList<>(value.size());
        for (int index = 0; index < value.size(); index++) {
            JsonNode entry = value.get(index);
            String entryField = field + "[" + index + "]";
            if (first.isTextual() && entry.isTextual()) {
                items.add(text(entry, entryField, emptyTextAllowed));
            } else if (first.isArray() && entry.isArray()) {
                items.add(new Item(null, tokenIds(entry, entryField, shapes)));
            } else {
                throw ApiError.invalidRequest(shapes + ", not a mix of these.", entryField);
            }
        }
        return new TextInput(List.copyOf(items));
    }

    private static Item text(JsonNode value, String field, boolean emptyTextAllowed) {
        if (!emptyTextAllowed && value.asText().isEmpty()) {
            throw ApiError.invalidRequest("'" + field + "' must not be an empty string.", field);
        }
        return new Item(value.asText(), null);
    }

    private static List<Long> tokenIds(JsonNode array, String field, String shapes) {
        if (array.isEmpty()) {
            throw ApiError.invalidRequest("'" + field + "' must not be an empty array.", field);
        }
        List<Long> ids = new ArrayList<>(array.size());
        for (JsonNode id : array) {
            if (!Fields.isTokenId(id)) {
                throw ApiError.invalidRequest(shapes + "; token ids are non-negative integers.", field);
            }
            ids.add(id.asLong());
        }
        return List.copyOf(ids);
    }

    /** The tokens of every item: the tokenizer's count of a text, the number of ids of a token list. */
    public long tokens(TokenCounter tokens, String model) {
        long total = 0;
        for (Item item : items) {
            total += item.text() != null ? tokens.count(item.text(), model) : item.tokenIds().size();
        }
        return total;
    }
}
