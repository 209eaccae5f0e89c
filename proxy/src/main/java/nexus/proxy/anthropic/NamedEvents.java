package nexus.proxy.anthropic;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

import nexus.proxy.chat.ClientGoneException;
import nexus.proxy.chat.SseSink;

/**
 * Writes server-sent events with names, as Anthropic's streams have them ({@code event: …} then {@code data: …}), to a
 * 200 event-stream answer. One per response; one thread. Every method throws ClientGoneException.
 */
public final class NamedEvents {

    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LINE = "\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;

    private NamedEvents(OutputStream out) {
        this.out = out;
    }

    /** Sets the answer's status and headers; they leave with the first flushed event. */
    public static NamedEvents start(HttpServletResponse response) {
        return new NamedEvents(SseSink.startEventStream(response));
    }

    /** One event; a name of null writes none, data with line breaks is written as several data lines. */
    public void write(String name, String data) {
        try {
            if (name != null) {
                out.write(EVENT);
                out.write(name.getBytes(StandardCharsets.UTF_8));
                out.write(LINE);
            }
            for (String line : data.split("\n", -1)) {
                out.write(DATA);
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.write(LINE);
            }
            out.write(LINE);
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    /** Ends the answer here, while the request still counts as running (see ProxyApp.close). */
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }
}
