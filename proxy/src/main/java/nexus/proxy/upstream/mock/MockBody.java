package nexus.proxy.upstream.mock;

import java.io.IOException;

import nexus.proxy.upstream.Exchange;

/** A whole answer the mock made at once. Immutable. */
record MockBody(byte[] body) implements Exchange {

    @Override
    public String nextChunk() throws IOException {
        throw new IllegalStateException("A whole mock answer is not a stream");
    }

    @Override
    public void close() {
    }
}
