package nexus.shared.db;

/**
 * One row of {@code stored_response}: a response of {@code POST /v1/responses} kept for its owner. {@code inputItems}
 * is the JSON array of the items its request added, {@code body} the response object as answered (JSON).
 */
public record StoredResponse(String id, String owner, String previousResponseId, String inputItems, String body,
                             long createdAtMillis) {

    @Override
    public String toString() {
        return "StoredResponse[id=" + id + ", owner=" + owner + ", previousResponseId=" + previousResponseId + "]";
    }
}
