package nexus.proxy.upstream;

import java.io.IOException;

import okio.BufferedSource;

/**
 * Reads server-sent events from a byte source: {@code data:} lines joined with newlines, a blank line ends an event,
 * {@code event:} names it, {@code :} lines are comments. Not thread-safe; one per stream.
 */
public final class SseReader {

    private final BufferedSource source;
    private final StringBuilder data = new StringBuilder();
    private String eventName;

    public SseReader(BufferedSource source) {
        this.source = source;
    }

    /** The next event's data, or null at the end of the source. The last event need not end with a blank line. */
    public String next() throws IOException {
        data.setLength(0);
        eventName = null;
        boolean hasData = false;
        while (true) {
            String line = source.readUtf8Line();
            if (line == null) {
                return hasData ? data.toString() : null;
            }
            if (line.isEmpty()) {
                if (hasData) {
                    return data.toString();
                }
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(line.length() > colon + 1 && line.charAt(colon + 1) == ' '
                    ? colon + 2 : colon + 1);
            if (field.equals("data")) {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            } else if (field.equals("event")) {
                eventName = value;
            }
        }
    }

    /** The {@code event:} name of the event last returned, or null. */
    public String eventName() {
        return eventName;
    }
}
