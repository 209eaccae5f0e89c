package nexus.proxy;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads an upstream's answer body as JSON without trusting it to be any. Stateless. */
public final class JsonTrees {

    private JsonTrees() {}

    /** The body as a JSON object; null when it is not JSON or not an object. */
    public static JsonNode objectOrNull(byte[] body, ObjectMapper mapper) {
        try {
            JsonNode tree = mapper.readTree(body);
            return tree != null && tree.isObject() ? tree : null;
        } catch (IOException e) {
            return null;
        }
    }
}
