package nexus.proxy.chat;

import nexus.shared.error.ApiError;

/** Where a streamed answer goes: an SSE response or a WebSocket. Each method throws ClientGoneException. */
public interface ChunkSink {

    /** The upstream accepted the request; the first bytes (status, headers) may go out now. */
    void begin();

    /** One OpenAI {@code chat.completion.chunk} payload; it leaves at the latest on the next {@link #flush()}. */
    void chunk(String payload);

    /** Sends what was written; called whenever nothing more from the upstream is waiting. */
    void flush();

    /** The stream ended complete. */
    void done(StreamSummary summary);

    /** The stream ended broken; this is its last event. */
    void error(ApiError error);
}
