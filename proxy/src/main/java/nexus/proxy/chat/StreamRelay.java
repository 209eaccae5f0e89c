package nexus.proxy.chat;

import java.io.IOException;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.billing.Charge;
import nexus.proxy.upstream.Exchange;
import nexus.proxy.upstream.UpstreamFailures;
import nexus.proxy.upstream.UpstreamSockets;
import nexus.proxy.usage.RecordedCall;
import nexus.proxy.usage.TokenUsage;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;

/**
 * Relays one upstream stream of OpenAI chunks into a sink: each chunk watched by a {@link StreamAccounting}, flushed
 * as soon as nothing more has arrived behind it, the usage chunk hidden unless asked for; a complete stream ends
 * with {@code done}, a broken one with one error event. Shared by chat (SSE and WebSocket) and legacy completions.
 * Stateless and thread-safe.
 */
public final class StreamRelay {

    /** The status recorded when the client went away first (nginx's convention, and Javalin's). */
    public static final int CLIENT_CLOSED = ErrorCode.CLIENT_CLOSED_REQUEST.status();
    /** The error code recorded with {@link #CLIENT_CLOSED}. */
    public static final String CLIENT_CLOSED_CODE = ErrorCode.CLIENT_CLOSED_REQUEST.code();
    private static final Logger log = LoggerFactory.getLogger(StreamRelay.class);

    private final ObjectMapper mapper;

    public StreamRelay(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** How a relayed stream ended, as its usage row records it. */
    public record Outcome(int status, String errorCode, boolean truncated, TokenUsage used) {}

    /**
     * Relays the whole stream; {@code usedTokens} tells what it cost once it ended (reported, else estimated), and
     * {@code whole} runs when the upstream's answer came whole, before the client is told the stream ended: a client
     * that sends its next call the moment it sees the end must find this call's effects there first.
     */
    public Outcome relay(RecordedCall call, Exchange exchange, ChunkSink sink, StreamAccounting accounting,
                         Function<StreamAccounting, TokenUsage> usedTokens, Runnable whole) {
        try {
            sink.begin();
            ApiError broken;
            try (var flushing = UpstreamSockets.beforeWaiting(sink::flush)) {
                broken = pump(call, exchange, sink, accounting);
            }
            TokenUsage used = usedTokens.apply(accounting);
            if (broken == null) {
                Charge charge = call.admission().settle(call.target(), used, 0, 0, true);
                whole.run();
                sink.done(new StreamSummary(accounting.completionId(), call.requestId(), call.conversationId(), used,
                        charge));
                return new Outcome(200, null, false, used);
            }
            log.warn("Stream of request {} from provider '{}' broke off: {}", call.requestId(),
                    call.target().provider().name(), broken.getMessage());
            try {
                sink.error(broken);
            } catch (ClientGoneException gone) {
                log.debug("Client of request {} left before the error event", call.requestId());
            }
            return new Outcome(broken.status(), broken.code(), true, used);
        } catch (ClientGoneException gone) {
            log.debug("Client went away during request {}; upstream call cancelled", call.requestId());
            return new Outcome(CLIENT_CLOSED, CLIENT_CLOSED_CODE, true, usedTokens.apply(accounting));
        }
    }

    /**
     * The usage chunk a client asked for, with the platform's {@code billing} object when the call is priced or its
     * key has a balance: the call is settled here, from the usage the chunk reports, and ends with the same charge.
     */
    private String billed(RecordedCall call, String chunk, StreamAccounting accounting) {
        Charge charge = call.admission().settle(call.target(), accounting.reported(), 0, 0, true);
        if (!charge.shown()) {
            return chunk;
        }
        ObjectNode tree = accounting.usageChunk();
        charge.describe(accounting.reported(), tree.putObject("billing"));
        return tree.toString();
    }

    /** Forwards chunks until the upstream's [DONE] (null) or a break (the error to show). */
    private ApiError pump(RecordedCall call, Exchange exchange, ChunkSink sink, StreamAccounting accounting) {
        while (true) {
            String chunk;
            try {
                chunk = exchange.nextChunk();
            } catch (IOException e) {
                return UpstreamFailures.ofRead(call.target().provider(), e);
            }
            if (chunk == null) {
                return null;
            }
            switch (accounting.inspect(chunk)) {
                case FORWARD -> {
                    sink.chunk(chunk);
                    if (!exchange.mayDeferFlush()) {
                        sink.flush();  // every event leaves as soon as nothing more has arrived behind it
                    }
                }
                case USAGE -> {
                    sink.chunk(billed(call, chunk, accounting));
                    sink.flush();
                }
                case HIDE -> { }
                case ERROR -> {
                    return UpstreamFailures.inStream(call.target().provider(), chunk, mapper);
                }
            }
        }
    }
}
