package nexus.proxy.responses;

import java.util.List;
import java.util.function.Consumer;

import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.anthropic.NamedEvents;
import nexus.proxy.chat.ChunkSink;
import nexus.proxy.chat.StreamSummary;
import nexus.shared.error.ApiError;

/**
 * Writes an OpenAI chunk stream to the client as the Responses API's stream events, ending with
 * {@code response.completed} (or {@code response.incomplete}) once the finished response is kept, or, when the stream
 * broke or could not be kept, with one {@code error} event. One per response; one thread.
 */
final class ResponsesSseSink implements ChunkSink {

    private static final Logger log = LoggerFactory.getLogger(ResponsesSseSink.class);

    private final HttpServletResponse response;
    private final ChunksToEvents events;
    private final Consumer<ChunksToEvents> keep;
    private NamedEvents out;

    /** @param keep stores the finished response before its last event leaves; throws ApiError when it cannot */
    ResponsesSseSink(HttpServletResponse response, ChunksToEvents events, Consumer<ChunksToEvents> keep) {
        this.response = response;
        this.events = events;
        this.keep = keep;
    }

    @Override
    public void begin() {
        out = NamedEvents.start(response);
        write(events.start());
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
        List<ChunksToEvents.Event> closing = events.finish(summary.usage());
        write(closing.subList(0, closing.size() - 1));
        try {
            keep.accept(events);
            write(closing.subList(closing.size() - 1, closing.size()));
        } catch (ApiError error) {
            log.warn("Response of request {} could not be kept: {}", summary.requestId(), error.getMessage());
            write(List.of(events.error(error)));
        }
        out.close();
    }

    @Override
    public void error(ApiError error) {
        write(List.of(events.error(error)));
        out.close();
    }

    private void write(List<ChunksToEvents.Event> list) {
        list.forEach(event -> out.write(event.type(), event.data().toString()));
    }
}
