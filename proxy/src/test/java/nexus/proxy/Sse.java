package nexus.proxy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okio.BufferedSource;

import nexus.shared.json.Json;

/** Test helper: reads a server-sent event stream the way a client does, independent of the proxy's own reader. */
public final class Sse {

    private static final ObjectMapper MAPPER = Json.newMapper();

    private Sse() {}

    /** The data of every event of a whole stream body, in order ({@code [DONE]} included). */
    public static List<String> data(String body) {
        List<String> events = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            String data = dataOf(event.lines().toList());
            if (data != null) {
                events.add(data);
            }
        }
        return events;
    }

    /** One event of a stream with its {@code event:} name (null when it has none), as Anthropic's streams name them. */
    public record Event(String name, String data) {

        /** The data as JSON. */
        public JsonNode json() {
            return tree(data);
        }
    }

    /** Every event of a whole stream body with its name, in order. */
    public static List<Event> events(String body) {
        List<Event> events = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            List<String> lines = event.lines().toList();
            String data = dataOf(lines);
            if (data != null) {
                String name = lines.stream().filter(line -> line.startsWith("event:"))
                        .map(line -> line.substring("event:".length()).strip()).findFirst().orElse(null);
                events.add(new Event(name, data));
            }
        }
        return events;
    }

    /** Reads the next event's data from a live stream; null when the stream ends first. */
    public static String next(BufferedSource source) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = source.readUtf8Line();
            if (line == null) {
                return dataOf(lines);
            }
            if (line.isEmpty()) {
                String data = dataOf(lines);
                if (data != null) {
                    return data;
                }
                lines.clear();
            } else {
                lines.add(line);
            }
        }
    }

    /** The text of {@code choices[0].delta.content} of a chunk payload; null when there is none. */
    public static String content(String payload) {
        JsonNode content = tree(payload).path("choices").path(0).path("delta").path("content");
        return content.isTextual() ? content.asText() : null;
    }

    /** The concatenated delta contents of a list of payloads. */
    public static String contents(List<String> payloads) {
        StringBuilder text = new StringBuilder();
        payloads.stream().filter(payload -> payload.startsWith("{")).map(Sse::content)
                .filter(content -> content != null).forEach(text::append);
        return text.toString();
    }

    /** Parses any JSON text (a payload, a body, a stored line); an AssertionError when it is not JSON. */
    public static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + json, e);
        }
    }

    private static String dataOf(List<String> lines) {
        StringBuilder data = null;
        for (String line : lines) {
            if (line.startsWith("data:")) {
                String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return data == null ? null : data.toString();
    }
}
