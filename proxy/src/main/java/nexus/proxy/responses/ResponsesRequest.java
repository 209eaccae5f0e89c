package nexus.proxy.responses;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.chat.JsonBody;
import nexus.shared.error.ApiError;

/**
 * A client's Responses API request (https://platform.openai.com/docs/api-reference/responses/create): the JSON object
 * kept whole, its {@code input} as a list of items, and the few fields Nexus reads. What no provider can be asked
 * through Nexus ({@code background}, {@code prompt}) is a 400 naming it. Immutable after parsing.
 */
public final class ResponsesRequest {

    /** The {@code include} values a translation can honour, or ignore without changing the answer. */
    static final Set<String> TRANSLATABLE_INCLUDES = Set.of("reasoning.encrypted_content",
            "message.input_image.image_url", "message.output_text.logprobs");

    private final byte[] rawBody;
    private final ObjectNode body;
    private final String model;
    private final boolean stream;
    private final boolean store;
    private final String previousResponseId;
    private final String conversationId;
    private final ArrayNode inputItems;

    private ResponsesRequest(byte[] rawBody, ObjectNode body, String model, boolean stream, boolean store,
                             String previousResponseId, String conversationId, ArrayNode inputItems) {
        this.rawBody = rawBody;
        this.body = body;
        this.model = model;
        this.stream = stream;
        this.store = store;
        this.previousResponseId = previousResponseId;
        this.conversationId = conversationId;
        this.inputItems = inputItems;
    }

    /** Parses and validates a request body; every problem is a 400 naming the field. */
    public static ResponsesRequest parse(byte[] rawBody, ObjectMapper mapper) {
        ObjectNode body = JsonBody.parseObject(rawBody, mapper);
        String model = JsonBody.requireModel(body);
        boolean stream = JsonBody.optionalBoolean(body, "stream");
        boolean store = !present(body, "store") || JsonBody.optionalBoolean(body, "store");
        refuse(body, "prompt", "Nexus has no stored prompt templates; send the prompt in 'instructions' and 'input'.");
        if (JsonBody.optionalBoolean(body, "background")) {
            throw ApiError.invalidRequest("'background' responses are not supported through Nexus; send the request"
                    + " without it (or stream it).", "background");
        }
        String previous = null;
        if (present(body, "previous_response_id")) {
            if (!body.get("previous_response_id").isTextual() || body.get("previous_response_id").asText().isBlank()) {
                throw ApiError.invalidRequest("'previous_response_id' must be a non-empty string.",
                        "previous_response_id");
            }
            previous = body.get("previous_response_id").asText();
        }
        String conversation = conversationId(body.get("conversation"));
        if (conversation != null && previous != null) {
            throw ApiError.invalidRequest("'conversation' and 'previous_response_id' cannot be used together; send"
                    + " only one of them.", "conversation");
        }
        return new ResponsesRequest(rawBody, body, model, stream, store, previous, conversation,
                inputItems(body, mapper));
    }

    /** The conversation's id, sent as a string or as {@code {"id": …}}; null when absent. */
    private static String conversationId(JsonNode conversation) {
        if (conversation == null || conversation.isNull()) {
            return null;
        }
        JsonNode id = conversation.isObject() ? conversation.get("id") : conversation;
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw ApiError.invalidRequest("'conversation' must be a conversation id or an object with its 'id'.",
                    "conversation");
        }
        return id.asText();
    }

    /** The input as items: a string is one user message. */
    private static ArrayNode inputItems(ObjectNode body, ObjectMapper mapper) {
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw ApiError.invalidRequest("Missing required parameter: 'input'.", "input");
        }
        if (input.isTextual()) {
            ArrayNode items = mapper.createArrayNode();
            items.addObject().put("type", "message").put("role", "user").putArray("content").addObject()
                    .put("type", "input_text").put("text", input.asText());
            return items;
        }
        if (!input.isArray()) {
            throw ApiError.invalidRequest("'input' must be a string or an array of input items.", "input");
        }
        for (int index = 0; index < input.size(); index++) {
            if (!input.get(index).isObject()) {
                throw ApiError.invalidRequest("'input[" + index + "]' must be an object.", "input[" + index + "]");
            }
        }
        return (ArrayNode) input;
    }

    private static void refuse(ObjectNode body, String field, String why) {
        if (present(body, field)) {
            throw ApiError.invalidRequest("'" + field + "' is not supported: " + why, field);
        }
    }

    static boolean present(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value != null && !value.isNull();
    }

    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    /** Whether the response is kept for GET and previous_response_id; true unless the client sent false. */
    public boolean store() {
        return store;
    }

    /** The response this one continues, or null. */
    public String previousResponseId() {
        return previousResponseId;
    }

    /** The conversation this response belongs to ({@code conversation}), or null. */
    public String conversationId() {
        return conversationId;
    }

    /** The items this request adds to the conversation, a string input made one user message. */
    public ArrayNode inputItems() {
        return inputItems;
    }

    /** The request as the client sent it; read-only by convention. */
    public ObjectNode body() {
        return body;
    }

    /**
     * The body for a server that speaks the Responses API: the client's own bytes, or a copy naming another model;
     * for a request in a conversation, a copy whose {@code input} is the conversation's items then its own, without
     * {@code conversation} (which names a conversation only Nexus has).
     *
     * @param history the conversation's items, oldest first; null when the request names none
     */
    byte[] upstreamBody(String upstreamModel, ArrayNode history, ObjectMapper mapper) {
        if (history == null) {
            return JsonBody.forUpstream(rawBody, body, model, upstreamModel, false, false, mapper);
        }
        ObjectNode copy = body.deepCopy();
        copy.remove("conversation");
        ArrayNode input = copy.putArray("input");
        for (JsonNode item : history) {
            input.add(((ObjectNode) item.deepCopy()).without(List.of("id", "status")));
        }
        input.addAll(inputItems);
        return JsonBody.forUpstream(null, copy, model, upstreamModel, false, false, mapper);
    }
}
