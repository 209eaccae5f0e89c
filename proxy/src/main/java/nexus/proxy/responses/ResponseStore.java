package nexus.proxy.responses;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.shared.db.Database;
import nexus.shared.db.StoredResponse;
import nexus.shared.db.StoredResponseDao;
import nexus.shared.error.ApiError;

/**
 * Keeps responses per owner for {@code GET /v1/responses/{id}}, {@code DELETE} and {@code previous_response_id}:
 * each with the items its request added, so a chain of responses reads back as the conversation it was. Another
 * owner's response reads as absent. Thread-safe.
 */
public final class ResponseStore {

    private final StoredResponseDao responses;
    private final ObjectMapper mapper;

    public ResponseStore(Database database, ObjectMapper mapper) {
        this.responses = database.dao(StoredResponseDao.class);
        this.mapper = mapper;
    }

    /** Keeps a finished response with the items its request added. */
    void save(String owner, ResponsesRequest request, JsonNode response, long createdAtMillis) {
        responses.insert(new StoredResponse(response.path("id").asText(), owner, request.previousResponseId(),
                request.inputItems().toString(), response.toString(), createdAtMillis));
    }

    /** The response object as answered, when this owner has it. */
    Optional<JsonNode> find(String owner, String id) {
        return responses.findOwned(id, owner).map(stored -> parse(stored.body()));
    }

    /** The items the response's own request sent, as it sent them, when this owner has it. */
    Optional<ArrayNode> inputItems(String owner, String id) {
        return responses.findOwned(id, owner).map(stored -> (ArrayNode) parse(stored.inputItems()));
    }

    /** Deletes the owner's response; false when this owner has none of that id. */
    boolean delete(String owner, String id) {
        return responses.deleteOwned(id, owner);
    }

    /**
     * The items of the conversation a response ends, oldest first: each response's input items, then its output.
     * A 400 naming {@code previous_response_id} when the owner has no response of that id.
     */
    ArrayNode history(String owner, String previousResponseId) {
        List<StoredResponse> chain = responses.chainOwned(previousResponseId, owner);
        if (chain.isEmpty()) {
            throw ApiError.invalidRequest("Previous response with id '" + previousResponseId + "' not found.",
                    "previous_response_id");
        }
        ArrayNode items = mapper.createArrayNode();
        for (StoredResponse stored : chain) {
            items.addAll((ArrayNode) parse(stored.inputItems()));
            items.addAll((ArrayNode) parse(stored.body()).path("output"));
        }
        return items;
    }

    /** The answer to a DELETE. */
    ObjectNode deleted(String id) {
        return mapper.createObjectNode().put("id", id).put("object", "response").put("deleted", true);
    }

    private JsonNode parse(String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("A stored response is not JSON", e);
        }
    }
}
