package nexus.proxy.chat;

import java.io.IOException;
import java.util.function.Consumer;

import nexus.proxy.upstream.Exchange;
import nexus.proxy.upstream.UpstreamFailures;
import nexus.shared.db.Provider;
import nexus.shared.error.ApiError;

/**
 * A stream whose first chunk was read before anything was sent to the client, so a stream that breaks before its
 * first chunk can still be retried elsewhere; answers that chunk first, then the rest. One thread.
 */
public final class PeekedExchange implements Exchange {

    private final Exchange exchange;
    private String first;
    private boolean firstTaken;

    private PeekedExchange(Exchange exchange) throws IOException {
        this.exchange = exchange;
        this.first = exchange.nextChunk();
    }

    /**
     * The exchange with its first chunk read; the caller closes the exchange. A stream cut before that chunk is told
     * to {@code failed} (which records it) and thrown as the provider's failure, so it may be tried elsewhere; a
     * client that left meanwhile is told to it as {@code client_closed_request} and its exception rethrown.
     */
    public static Exchange peek(Exchange exchange, Provider provider, Consumer<ApiError> failed) {
        try {
            return new PeekedExchange(exchange);
        } catch (IOException e) {
            ApiError error = UpstreamFailures.ofRead(provider, e);
            failed.accept(error);
            throw error;
        } catch (ClientGoneException gone) {
            failed.accept(ApiError.clientClosedRequest());
            throw gone;
        }
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
