package nexus.proxy;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.shared.error.ApiError;

/**
 * Reads a client's JSON strictly, so that what Nexus checks, routes and bills is what the upstream reads from the same
 * bytes: exactly one object, each key once, nothing after it, UTF-8 without a byte order mark. Anything else is a 400
 * {@code invalid_request} naming the problem. (Upstream answers are read leniently elsewhere.) Stateless.
 */
public final class ClientJson {

    private static final char BOM = '\uFEFF';

    private ClientJson() {}

    /**
     * Parses a request body, or a frame's bytes.
     *
     * @param what what the client sent, for messages: "request body", "frame"
     */
    public static ObjectNode object(byte[] json, ObjectMapper mapper, String what) {
        if (json == null || json.length == 0) {
            throw ApiError.invalidRequest("The " + what + " is empty; send a JSON object.", null);
        }
        if (!startsAsUtf8(json)) {
            throw notUtf8(what);
        }
        try (JsonParser parser = mapper.createParser(json)) {
            return object(parser, mapper, what);
        } catch (IOException e) {
            throw ApiError.invalidRequest("The " + what + " could not be read.", null);
        }
    }

    /** Parses a WebSocket text frame (already UTF-8 on the wire, as RFC 6455 requires). */
    public static ObjectNode object(String json, ObjectMapper mapper, String what) {
        if (json.isEmpty()) {
            throw ApiError.invalidRequest("The " + what + " is empty; send a JSON object.", null);
        }
        if (json.charAt(0) == BOM) {
            throw notUtf8(what);
        }
        try (JsonParser parser = mapper.createParser(json)) {
            return object(parser, mapper, what);
        } catch (IOException e) {
            throw ApiError.invalidRequest("The " + what + " could not be read.", null);
        }
    }

    private static ObjectNode object(JsonParser parser, ObjectMapper mapper, String what) throws IOException {
        parser.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
        JsonNode tree;
        try {
            tree = mapper.readTree(parser);
        } catch (StreamConstraintsException e) {
            throw ApiError.invalidRequest("The " + what + " is beyond what Nexus reads: it nests deeper than 1,000"
                    + " levels or has a number longer than 1,000 digits.", null);
        } catch (JsonParseException e) {
            if (e.getOriginalMessage().startsWith("Duplicate field")) {  // Jackson's words for a key seen twice
                throw ApiError.invalidRequest("The " + what + " has the key '" + parser.currentName()
                        + "' more than once in one object; send each key once.", null);
            }
            throw notJson(what, e.getLocation());
        } catch (IOException e) {
            throw notJson(what, null);
        }
        if (tree == null || tree.isMissingNode()) {
            throw ApiError.invalidRequest("The " + what + " is empty; send a JSON object.", null);
        }
        if (!tree.isObject()) {
            throw ApiError.invalidRequest("The " + what + " must be a JSON object.", null);
        }
        if (hasMore(parser)) {
            throw ApiError.invalidRequest("The " + what + " has more content after its JSON object; send exactly one"
                    + " object.", null);
        }
        return (ObjectNode) tree;
    }

    /** True when anything but whitespace follows the value just read. */
    private static boolean hasMore(JsonParser parser) {
        try {
            return parser.nextToken() != null;
        } catch (IOException e) {
            return true;  // something that is not even a JSON token
        }
    }

    /**
     * A UTF-8 body starts with an ASCII character, never a byte order mark; UTF-16 and UTF-32 (which Jackson would
     * otherwise detect and decode, though the upstream gets the raw bytes) have a zero among their first two bytes.
     */
    private static boolean startsAsUtf8(byte[] json) {
        int first = json[0] & 0xFF;
        return first != 0 && first < 0x80 && (json.length == 1 || json[1] != 0);
    }

    private static ApiError notUtf8(String what) {
        return ApiError.invalidRequest("The " + what + " must be JSON in UTF-8, without a byte order mark.", null);
    }

    private static ApiError notJson(String what, JsonLocation location) {
        String where = location == null || location.getLineNr() < 1 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
        return ApiError.invalidRequest("The " + what + " is not valid JSON" + where + ".", null);
    }
}
