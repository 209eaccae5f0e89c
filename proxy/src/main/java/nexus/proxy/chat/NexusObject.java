package nexus.proxy.chat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Adds {@code "nexus":{"generation_id":…,"route":…}} to a non-streamed answer by splicing its bytes in before the
 * closing brace of the answer's object: the rest stays the upstream's bytes, with no re-serialisation on the hot
 * path. Stateless.
 */
public final class NexusObject {

    public static final String FIELD = "nexus";

    private NexusObject() {}

    /**
     * The answer with the object added; as it came when it is not a JSON object.
     *
     * @param parsed the same answer parsed: an answer that already has a {@code nexus} member (a Nexus behind a
     *               Nexus) gets it replaced through the tree instead, so the object never holds the key twice
     * @param route  the route the client named, or null
     */
    public static byte[] appended(byte[] body, JsonNode parsed, String generationId, String route,
                                  ObjectMapper mapper) {
        if (!(parsed instanceof ObjectNode object)) {
            return body;
        }
        if (object.has(FIELD)) {
            return replaced(object, generationId, route, mapper);
        }
        int close = lastNonSpace(body, body.length - 1);
        if (close < 0 || body[close] != '}') {
            return body;
        }
        int before = lastNonSpace(body, close - 1);
        boolean empty = before >= 0 && body[before] == '{';  // a '{' in a string would be followed by its quote
        byte[] member = ((empty ? "" : ",") + "\"" + FIELD + "\":{\"generation_id\":" + quoted(generationId)
                + ",\"route\":" + (route == null ? "null" : quoted(route)) + "}").getBytes(StandardCharsets.UTF_8);
        byte[] spliced = new byte[body.length + member.length];
        System.arraycopy(body, 0, spliced, 0, close);
        System.arraycopy(member, 0, spliced, close, member.length);
        System.arraycopy(body, close, spliced, close + member.length, body.length - close);
        return spliced;
    }

    private static byte[] replaced(ObjectNode answer, String generationId, String route, ObjectMapper mapper) {
        ObjectNode nexus = answer.putObject(FIELD);
        nexus.put("generation_id", generationId);
        nexus.put("route", route);
        try {
            return mapper.writeValueAsBytes(answer);
        } catch (IOException e) {
            throw new IllegalStateException("A parsed answer cannot be written back", e);
        }
    }

    private static int lastNonSpace(byte[] body, int from) {
        int at = from;
        while (at >= 0 && (body[at] == ' ' || body[at] == '\n' || body[at] == '\r' || body[at] == '\t')) {
            at--;
        }
        return at;
    }

    private static String quoted(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
