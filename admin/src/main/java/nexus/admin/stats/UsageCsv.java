package nexus.admin.stats;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Writes report lines as CSV (RFC 4180: a header row, CRLF line ends, quotes where a field needs them). Stateless. */
final class UsageCsv {

    private static final String CRLF = "\r\n";

    private UsageCsv() {}

    /**
     * A header of {@code columns} then {@code currency}, and a row per line with its fields of those names (a null or
     * absent field is empty) and the currency.
     */
    static String write(List<String> columns, List<?> lines, String currency, ObjectMapper mapper) {
        StringBuilder csv = new StringBuilder();
        for (String column : columns) {
            csv.append(field(column)).append(',');
        }
        csv.append("currency").append(CRLF);
        for (Object line : lines) {
            JsonNode fields = mapper.valueToTree(line);
            for (String column : columns) {
                JsonNode value = fields.path(column);
                csv.append(value.isValueNode() && !value.isNull() ? field(value.asText()) : "").append(',');
            }
            csv.append(field(currency)).append(CRLF);
        }
        return csv.toString();
    }

    /** The field as it is, or in double quotes with its quotes doubled when it holds a comma, quote or line end. */
    static String field(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
