package nexus.admin.provider;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.shared.error.ApiError;
import nexus.shared.money.Money;

/**
 * A request body read as a JSON object, field by field, so that every error names its field.
 * A field sent as {@code null} counts as left out. Immutable; one per request.
 */
public final class JsonFields {

    /** The longest description, counted in UTF-16 code units like every length the admin API checks. */
    public static final int MAX_DESCRIPTION_LENGTH = 2_000;

    /** Fields a client may send back from a GET, and that input ignores. */
    private static final Set<String> READ_ONLY = Set.of("id", "created_at");

    private final ObjectNode object;

    private JsonFields(ObjectNode object) {
        this.object = object;
    }

    /** Parses a body that must be UTF-8 text of one JSON object with only the known (or read-only) fields. */
    public static JsonFields parse(ObjectMapper mapper, byte[] bytes, Set<String> knownFields) {
        String body = utf8(bytes);
        if (body.isBlank()) {
            throw ApiError.invalidRequest("The request body is empty; send a JSON object.", null);
        }
        JsonNode tree;
        try {
            tree = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            String position = where == null ? ""
                    : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
            throw ApiError.invalidRequest("The request body is not valid JSON" + position + ".", null);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw ApiError.invalidRequest("The request body must be a JSON object.", null);
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!knownFields.contains(name) && !READ_ONLY.contains(name)) {
                throw ApiError.invalidRequest("Unknown field '" + name + "'; known fields: "
                        + String.join(", ", knownFields.stream().sorted().toList()) + ".", name);
            }
        }
        return new JsonFields(object);
    }

    /** Decodes the body strictly: a byte sequence that is not UTF-8 is refused, never replaced. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiError.invalidRequest("The request body is not valid UTF-8.", null);
        }
    }

    /** The field's text on one line, or null when left out; any other JSON type, or a control character, is refused. */
    public String text(String field) {
        return checkedText(field, "");
    }

    /** The field's text, where line feeds and tabs may appear, at most {@code maxLength} characters; or null. */
    public String multilineText(String field, int maxLength) {
        String text = checkedText(field, "\n\t");
        if (text != null && text.length() > maxLength) {
            throw ApiError.invalidRequest("'" + field + "' must be at most " + maxLength + " characters.", field);
        }
        return text;
    }

    private String checkedText(String field, String allowedControls) {
        JsonNode value = present(field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiError.invalidRequest("'" + field + "' must be a string.", field);
        }
        String text = value.textValue();
        text.codePoints().filter(point -> isRefused(point, allowedControls)).findFirst().ifPresent(point -> {
            throw ApiError.invalidRequest("'" + field + "' must not contain control characters or unpaired surrogates"
                    + " (found U+" + String.format("%04X", point) + ").", field);
        });
        return text;
    }

    /** A control character not allowed here, or half of a surrogate pair on its own (sent as an escape). */
    private static boolean isRefused(int point, String allowedControls) {
        return (Character.isISOControl(point) && allowedControls.indexOf(point) < 0)
                || Character.getType(point) == Character.SURROGATE;
    }

    /** The field's boolean, or null when left out; strings such as "true" are refused. */
    public Boolean bool(String field) {
        JsonNode value = present(field);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw ApiError.invalidRequest("'" + field + "' must be a boolean.", field);
        }
        return value.booleanValue();
    }

    /** The field's whole number, or null when left out; fractions, strings and huge numbers are refused. */
    public Long integer(String field) {
        JsonNode value = present(field);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiError.invalidRequest("'" + field + "' must be an integer.", field);
        }
        return value.longValue();
    }

    /** True when the body names the field, even as {@code null}. */
    public boolean has(String field) {
        return object.has(field);
    }

    /** True when the body sends the field as {@code null}: it clears a setting that may be cleared. */
    public boolean sentAsNull(String field) {
        return object.has(field) && object.get(field).isNull();
    }

    /** The field's decimal string of money or a price (see {@link Money#parse}), or null when left out. */
    public BigDecimal money(String field) {
        JsonNode value = present(field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiError.invalidRequest("'" + field + "' must be a decimal string such as \"20.00\", not a "
                    + value.getNodeType().name().toLowerCase(Locale.ROOT) + ".", field);
        }
        return Money.parse(value.textValue(), field);
    }

    /** The field's array of one-line strings, or null when left out. */
    public List<String> textList(String field) {
        JsonNode value = present(field);
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            throw ApiError.invalidRequest("'" + field + "' must be an array of strings.", field);
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || item.textValue().isBlank()
                    || item.textValue().codePoints().anyMatch(point -> isRefused(point, ""))) {
                throw ApiError.invalidRequest("'" + field + "' must be an array of non-blank strings without control"
                        + " characters.", field);
            }
            items.add(item.textValue().strip());
        }
        return items;
    }

    /** The field's JSON value as sent, for a nested structure its caller checks; null when left out or null. */
    public JsonNode node(String field) {
        return present(field);
    }

    private JsonNode present(String field) {
        JsonNode value = object.get(field);
        return value == null || value.isNull() ? null : value;
    }
}
