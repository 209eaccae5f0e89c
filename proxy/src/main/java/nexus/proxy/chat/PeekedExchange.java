package nexus.proxy.chat;

import java.io.IOException;

import nexus.proxy.upstream.Exchange;

/**
 * A stream whose first chunk was read before anything was sent to the client, so a stream that breaks before its
 * first chunk can still be retried elsewhere; answers that chunk first, then the rest. One thread.
 */
public final class PeekedExchange implements Exchange {

    private final Exchange exchange;
    private String first;
    private boolean firstTaken;

    /** Reads the first chunk now; a failure to read it is thrown, and the caller closes the exchange. */
    public PeekedExchange(Exchange exchange) throws IOException {
        this.exchange = exchange;
        this.first = exchange.nextChunk();
    }

    @Override
    public byte[] body() throws IOException {
        throw new IllegalStateException("A streamed answer has no whole body");
    }

    @Override
    public String nextChunk() throws IOException {
        if (!firstTaken) {
            firstTaken = true;
            String chunk = first;
            first = null;
            return chunk;
        }
        return exchange.nextChunk();
    }

    @Override
    public boolean mayDeferFlush() {
        return exchange.mayDeferFlush();
    }

    @Override
    public void close() {
        exchange.close();
    }
}
