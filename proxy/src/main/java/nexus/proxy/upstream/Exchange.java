package nexus.proxy.upstream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * One in-flight upstream answer, in OpenAI's wire format, read by exactly one thread. Closing it cancels the
 * upstream call.
 */
public interface Exchange extends AutoCloseable {

    /** Non-streaming: the complete answer JSON (a {@code chat.completion} for chat). */
    byte[] body() throws IOException;

    /**
     * Non-streaming, for answers too large to hold: the answer's bytes as they arrive. A failed read throws
     * {@link StreamCutException}.
     */
    default InputStream bodyStream() throws IOException {
        return new ByteArrayInputStream(body());
    }

    /**
     * Streaming: the next {@code chat.completion.chunk} payload (what follows {@code data: }), or null when the
     * upstream finished with {@code [DONE]}. Throws {@link StreamCutException} when the stream broke off before that.
     */
    String nextChunk() throws IOException;

    /**
     * True when a relay may leave what it wrote to its client unflushed for now: more of the stream has already
     * arrived, or the upstream's socket flushes it before it waits for more ({@link UpstreamSockets}).
     */
    default boolean mayDeferFlush() {
        return false;
    }

    @Override
    void close();
}
