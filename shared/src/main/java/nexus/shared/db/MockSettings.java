package nexus.shared.db;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * How a provider of kind {@code mock} streams, read from its {@code server_url}:
 * {@code mock://local?chunks=8&delay_ms=20}. An empty URL means the defaults.
 */
public record MockSettings(int chunks, int delayMillis) {

    public static final MockSettings DEFAULTS = new MockSettings(8, 20);
    public static final int MAX_CHUNKS = 1_000;
    public static final int MAX_DELAY_MILLIS = 60_000;

    /** Parses a mock provider's server URL; throws IllegalArgumentException with a message fit for the user. */
    public static MockSettings parse(String serverUrl) {
        if (serverUrl == null || serverUrl.isBlank()) {
            return DEFAULTS;
        }
        URI uri;
        try {
            uri = new URI(serverUrl.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("server_url of a mock provider must look like "
                    + "mock://local?chunks=8&delay_ms=20");
        }
        if (!"mock".equals(uri.getScheme())) {
            throw new IllegalArgumentException("server_url of a mock provider must start with mock://");
        }
        int chunks = DEFAULTS.chunks;
        int delayMillis = DEFAULTS.delayMillis;
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                String[] parts = pair.split("=", 2);
                String value = parts.length == 2 ? parts[1] : "";
                switch (parts[0]) {
                    case "chunks" -> chunks = number("chunks", value, 1, MAX_CHUNKS);
                    case "delay_ms" -> delayMillis = number("delay_ms", value, 0, MAX_DELAY_MILLIS);
                    default -> throw new IllegalArgumentException("Unknown mock setting '" + parts[0]
                            + "' in server_url; known: chunks, delay_ms");
                }
            }
        }
        return new MockSettings(chunks, delayMillis);
    }

    private static int number(String name, String value, int min, int max) {
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("Mock setting " + name + " must be a whole number from " + min + " to "
                + max + ", got '" + value + "'");
    }
}
