package nexus.proxy.upstream.mock;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.endpoints.EndpointRequest;
import nexus.proxy.endpoints.TextInput;
import nexus.shared.error.ApiError;

/**
 * The mock's embeddings: per input a unit vector made by hashing its words (or token ids) into buckets, so the same
 * text always gets the same vector and texts sharing words point alike. Honours {@code dimensions} (default 256) and
 * {@code encoding_format: base64} (little-endian float32, as OpenAI encodes). Stateless.
 */
final class MockEmbeddings {

    static final int DEFAULT_DIMENSIONS = 256;
    static final int MAX_DIMENSIONS = 8192;

    private MockEmbeddings() {}

    static byte[] answer(EndpointRequest request, String model, long promptTokens, ObjectMapper mapper)
            throws JsonProcessingException {
        int dimensions = request.body().path("dimensions").asInt(DEFAULT_DIMENSIONS);
        if (dimensions > MAX_DIMENSIONS) {
            throw ApiError.invalidRequest("The mock makes vectors of at most " + MAX_DIMENSIONS + " dimensions.",
                    "dimensions");
        }
        boolean base64 = "base64".equals(request.body().path("encoding_format").asText());
        ObjectNode answer = mapper.createObjectNode();
        answer.put("object", "list");
        ArrayNode data = answer.putArray("data");
        List<TextInput.Item> items = TextInput.read(request.body(), "input", false).items();
        for (int index = 0; index < items.size(); index++) {
            float[] vector = vector(features(items.get(index)), dimensions);
            ObjectNode entry = data.addObject();
            entry.put("object", "embedding");
            entry.put("index", index);
            if (base64) {
                entry.put("embedding", base64(vector));
            } else {
                ArrayNode values = entry.putArray("embedding");
                for (float value : vector) {
                    values.add(value);
                }
            }
        }
        answer.put("model", model);
        ObjectNode usage = answer.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("total_tokens", promptTokens);
        return mapper.writeValueAsBytes(answer);
    }

    private static List<String> features(TextInput.Item item) {
        return item.text() != null ? MockWords.of(item.text())
                : item.tokenIds().stream().map(id -> "#" + id).toList();
    }

    /** Each feature adds ±1 to one bucket (both chosen by its hash); the sum is scaled to length 1. */
    static float[] vector(List<String> features, int dimensions) {
        float[] vector = new float[dimensions];
        for (String feature : features) {
            int hash = feature.hashCode() * 0x9E3779B9;  // spreads similar strings' hashes apart
            vector[Math.floorMod(hash, dimensions)] += (hash & 0x4000_0000) == 0 ? 1 : -1;
        }
        double length = 0;
        for (float value : vector) {
            length += value * value;
        }
        if (length == 0) {
            vector[0] = 1;
            return vector;
        }
        float scale = (float) (1 / Math.sqrt(length));
        for (int index = 0; index < dimensions; index++) {
            vector[index] *= scale;
        }
        return vector;
    }

    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) {
            bytes.putFloat(value);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
