package nexus.proxy.endpoints;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rewrites the rerank answers of Cohere ({@code results[].document.text}, {@code meta.billed_units}), Jina and vLLM
 * ({@code usage.total_tokens}) and Hugging Face TEI (a bare array of {@code {index, score, text}}) into one shape:
 * {@code {id?, model?, results: [{index, relevance_score, document?: {text}}], usage?: {total_tokens, search_units?}}},
 * best first, cut to the request's {@code top_n}. Stateless.
 */
public final class RerankAnswers {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RerankAnswers() {}

    /** One ranked document. */
    private record Ranked(int index, double score, String text) {}

    /**
     * The answer in Nexus's shape, or null when it holds no list of results with an index and a score each. Documents
     * are left out when the request said {@code return_documents: false}, and taken from the request when it said
     * true and the upstream left them out.
     */
    public static ObjectNode normalise(JsonNode answer, ObjectNode request) {
        JsonNode list = answer.isArray() ? answer
                : answer.has("results") ? answer.get("results") : answer.path("data");
        if (!list.isArray()) {
            return null;
        }
        List<Ranked> ranked = new ArrayList<>(list.size());
        for (JsonNode entry : list) {
            JsonNode score = entry.has("relevance_score") ? entry.get("relevance_score") : entry.path("score");
            if (!entry.path("index").canConvertToInt() || !score.isNumber()) {
                return null;
            }
            JsonNode document = entry.has("document") ? entry.get("document") : entry.get("text");
            ranked.add(new Ranked(entry.get("index").asInt(), score.asDouble(), documentText(document)));
        }
        ranked.sort(Comparator.comparingDouble(Ranked::score).reversed());
        JsonNode topN = request.path("top_n");
        if (topN.canConvertToInt() && topN.asInt() < ranked.size()) {
            ranked = ranked.subList(0, topN.asInt());
        }

        ObjectNode normalised = NODES.objectNode();
        copyText(answer, "id", normalised);
        copyText(answer, "model", normalised);
        ArrayNode results = normalised.putArray("results");
        JsonNode returnDocuments = request.path("return_documents");
        JsonNode requestDocuments = request.path("documents");
        for (Ranked entry : ranked) {
            ObjectNode result = results.addObject();
            result.put("index", entry.index());
            result.put("relevance_score", entry.score());
            String text = entry.text() != null || !returnDocuments.asBoolean(false) ? entry.text()
                    : documentText(requestDocuments.get(entry.index()));
            if (text != null && returnDocuments.asBoolean(true)) {
                result.putObject("document").put("text", text);
            }
        }
        ObjectNode usage = usage(answer);
        if (usage != null) {
            normalised.set("usage", usage);
        }
        return normalised;
    }

    /** The text of a document as requests and answers give it: a string, or an object with a string {@code text}. */
    static String documentText(JsonNode document) {
        if (document == null) {
            return null;
        }
        if (document.isTextual()) {
            return document.asText();
        }
        return document.path("text").isTextual() ? document.get("text").asText() : null;
    }

    /** {@code total_tokens} from {@code usage} (Jina, vLLM) or Cohere's {@code meta.tokens}; Cohere's search units. */
    private static ObjectNode usage(JsonNode answer) {
        ObjectNode usage = NODES.objectNode();
        JsonNode reported = answer.path("usage");
        JsonNode total = reported.has("total_tokens") ? reported.get("total_tokens") : reported.path("prompt_tokens");
        JsonNode cohereTokens = answer.path("meta").path("tokens").path("input_tokens");
        if (total.canConvertToLong()) {
            usage.put("total_tokens", total.asLong());
        } else if (cohereTokens.canConvertToLong()) {
            usage.put("total_tokens", cohereTokens.asLong());
        }
        JsonNode searchUnits = answer.path("meta").path("billed_units").path("search_units");
        if (searchUnits.canConvertToLong()) {
            usage.put("search_units", searchUnits.asLong());
        }
        return usage.isEmpty() ? null : usage;
    }

    private static void copyText(JsonNode from, String field, ObjectNode to) {
        if (from.path(field).isTextual()) {
            to.put(field, from.get(field).asText());
        }
    }
}
