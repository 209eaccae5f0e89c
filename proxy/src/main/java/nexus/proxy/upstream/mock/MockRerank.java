package nexus.proxy.upstream.mock;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The mock's rerank, answered as Jina and vLLM do: each document scored by the share of the query's words it
 * contains (0 to 1), in the request's order; Nexus sorts and cuts the list like any upstream's. Stateless.
 */
final class MockRerank {

    private MockRerank() {}

    static byte[] answer(JsonNode request, String model, long totalTokens, String id, ObjectMapper mapper)
            throws JsonProcessingException {
        Set<String> query = new HashSet<>(MockWords.of(request.path("query").asText()));
        ObjectNode answer = mapper.createObjectNode();
        answer.put("id", id);
        answer.put("model", model);
        ArrayNode results = answer.putArray("results");
        JsonNode documents = request.path("documents");
        for (int index = 0; index < documents.size(); index++) {
            JsonNode document = documents.get(index);
            String text = document.isTextual() ? document.asText() : document.path("text").asText();
            ObjectNode result = results.addObject();
            result.put("index", index);
            result.put("relevance_score", overlap(query, MockWords.of(text)));
            result.putObject("document").put("text", text);
        }
        answer.putObject("usage").put("total_tokens", totalTokens);
        return mapper.writeValueAsBytes(answer);
    }

    /** The share of the query's distinct words found in the document. */
    static double overlap(Set<String> query, List<String> document) {
        if (query.isEmpty()) {
            return 0;
        }
        Set<String> found = new HashSet<>(document);
        found.retainAll(query);
        return (double) found.size() / query.size();
    }
}
