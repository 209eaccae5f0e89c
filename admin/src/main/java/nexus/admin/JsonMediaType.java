package nexus.admin;

import java.util.Locale;

/** Tells whether a {@code Content-Type} declares UTF-8 JSON: {@code application/json}, any charset but UTF-8 refused. */
final class JsonMediaType {

    private JsonMediaType() {}

    static boolean is(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int index = 1; index < parts.length; index++) {
            String[] parameter = parts[index].split("=", 2);
            if (parameter[0].strip().equalsIgnoreCase("charset")) {
                String charset = parameter.length < 2 ? "" : parameter[1].strip().replace("\"", "");
                if (!charset.toLowerCase(Locale.ROOT).matches("utf-?8")) {
                    return false;
                }
            }
        }
        return true;
    }
}
