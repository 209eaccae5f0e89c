package nexus.proxy.anthropic;

import java.util.List;

import jakarta.servlet.http.HttpServletResponse;

import nexus.proxy.chat.ChunkSink;
import nexus.proxy.chat.StreamSummary;
import nexus.shared.error.ApiError;

/**
 * Writes an OpenAI chunk stream to the client as Anthropic's stream events, ending with {@code message_stop} or, when
 * the stream broke, one {@code error} event. One per response; one thread.
 */
final class AnthropicSseSink implements ChunkSink {

    private final HttpServletResponse response;
    private final ChunksToEvents events;
    private NamedEvents out;

    AnthropicSseSink(HttpServletResponse response, ChunksToEvents events) {
        this.response = response;
        this.events = events;
    }

    @Override
    public void begin() {
        out = NamedEvents.start(response);
    }

    @Override
    public void chunk(String payload) {
        write(events.chunk(payload));
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void done(StreamSummary summary) {
        write(events.finish(summary.usage()));
        out.close();
    }

    @Override
    public void error(ApiError error) {
        write(List.of(events.error(error)));
        out.close();
    }

    private void write(List<ChunksToEvents.Event> list) {
        list.forEach(event -> out.write(event.name(), event.data().toString()));
    }
}
