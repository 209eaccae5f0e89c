package nexus.proxy.endpoints;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.usage.TokenCounter;
import nexus.proxy.usage.TokenUsage;
import nexus.shared.db.UsageSource;
import nexus.shared.error.ApiError;

/**
 * {@code POST /v1/rerank}: the rerank request Cohere, Jina and vLLM share. Their answers differ in small ways, so
 * every answer is rewritten into one shape ({@link RerankAnswers}).
 */
public final class RerankRules implements EndpointRules {

    @Override
    public void validate(ObjectNode body) {
        Fields.requiredText(body, "query");
        documents(body);
        Fields.integer(body, "top_n", 1, Integer.MAX_VALUE);
        Fields.bool(body, "return_documents");
    }

    /** The documents' texts; 400 unless a non-empty array of strings or of objects with a string {@code text}. */
    static List<String> documents(ObjectNode body) {
        JsonNode documents = Fields.optional(body, "documents");
        if (documents == null) {
            throw ApiError.invalidRequest("Missing required parameter: 'documents'.", "documents");
        }
        if (!documents.isArray() || documents.isEmpty()) {
            throw ApiError.invalidRequest("'documents' must be a non-empty array.", "documents");
        }
        List<String> texts = new ArrayList<>(documents.size());
        for (int index = 0; index < documents.size(); index++) {
            String text = RerankAnswers.documentText(documents.get(index));
            if (text == null) {
                throw ApiError.invalidRequest("documents[" + index + "] must be a string or an object with a string"
                        + " 'text'.", "documents[" + index + "]");
            }
            texts.add(text);
        }
        return texts;
    }

    /** The query and every document. */
    @Override
    public long promptTokens(ObjectNode body, TokenCounter tokens, String model) {
        long total = tokens.count(body.path("query").asText(), model);
        for (String document : documents(body)) {
            total += tokens.count(document, model);
        }
        return total;
    }

    @Override
    public TokenUsage reported(ObjectNode answerFields) {
        JsonNode total = answerFields.path("usage").path("total_tokens");
        return total.canConvertToLong()
                ? new TokenUsage(total.asLong(), 0, total.asLong(), 0, 0, UsageSource.REPORTED) : null;
    }

    @Override
    public boolean rewritesAnswer() {
        return true;
    }

    @Override
    public ObjectNode rewrite(JsonNode answer, ObjectNode request) {
        return RerankAnswers.normalise(answer, request);
    }
}
