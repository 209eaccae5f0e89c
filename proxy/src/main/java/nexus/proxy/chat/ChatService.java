package nexus.proxy.chat;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.JsonTrees;
import nexus.proxy.messages.MessageStore;
import nexus.proxy.upstream.Exchange;
import nexus.proxy.upstream.UntranslatableRequestException;
import nexus.proxy.upstream.UpstreamAdapters;
import nexus.proxy.upstream.UpstreamFailures;
import nexus.proxy.usage.TokenCounter;
import nexus.proxy.usage.TokenUsage;
import nexus.proxy.usage.UsageRecorder;
import nexus.shared.error.ApiError;

/**
 * Runs one chat call against its upstream and accounts for it: relays the answer, records one usage row however the
 * call ends, and stores the messages when that is on. Knows nothing of HTTP or WebSocket. Thread-safe.
 */
public final class ChatService {

    private static final Logger log = LoggerFactory.getLogger(ChatService.class);

    private final UpstreamAdapters adapters;
    private final ObjectMapper mapper;
    private final TokenCounter tokens;
    private final UsageRecorder usage;
    private final MessageStore messages;
    private final StreamRelay relay;

    public ChatService(UpstreamAdapters adapters, ObjectMapper mapper, TokenCounter tokens, UsageRecorder usage,
                       MessageStore messages) {
        this.adapters = adapters;
        this.mapper = mapper;
        this.tokens = tokens;
        this.usage = usage;
        this.messages = messages;
        this.relay = new StreamRelay(mapper);
    }

    /** A non-streamed answer, with the upstream's {@code chat.completion} bytes as they came. */
    public Completion complete(ChatCall call) {
        Exchange exchange = open(call, false);
        try (exchange) {
            byte[] body = exchange.body();
            JsonNode completion = JsonTrees.objectOrNull(body, mapper);
            if (completion == null) {
                throw failed(call, false, ApiError.upstreamUnavailable("The upstream provider '"
                        + call.target().provider().name() + "' answered with a body that is not a JSON object."));
            }
            TokenUsage used = TokenUsage.reported(completion.get("usage"));
            if (used == null) {
                used = estimate(call, completionText(completion));
            }
            usage.record(call, false, 200, null, false, used, 0, 0);
            messages.store(call, call.request().messages(), completion);
            return new Completion(body, completion, used);
        } catch (IOException e) {
            throw failed(call, false, UpstreamFailures.ofRead(call.target().provider(), e));
        } catch (ClientGoneException gone) {
            log.debug("Client went away during request {}; upstream call cancelled", call.requestId());
            usage.record(call, false, StreamRelay.CLIENT_CLOSED, StreamRelay.CLIENT_CLOSED_CODE, true,
                    estimate(call, ""), 0, 0);
            throw gone;
        }
    }

    /**
     * A streamed answer, chunk by chunk into the sink. Failures before the upstream accepted are thrown as ApiError
     * (nothing was sent yet); after that they end the stream with one error event.
     */
    public void stream(ChatCall call, ChunkSink sink) {
        stream(call, sink, false);
    }

    /**
     * The same; when {@code retryable}, the first chunk is read before the sink begins, so a stream that breaks
     * before it is thrown as ApiError like a failure to start (and may be tried elsewhere). Answers when its first
     * content arrived ({@link System#nanoTime()}, 0 for none).
     */
    public long stream(ChatCall call, ChunkSink sink, boolean retryable) {
        StreamAccounting accounting = new StreamAccounting(mapper, call.request().clientWantsUsage());
        StreamRelay.Outcome outcome;
        try (Exchange exchange = open(call, true)) {
            Exchange relayed = retryable ? PeekedExchange.peek(exchange, call.target().provider(),
                    error -> usage.recordFailure(call, true, error)) : exchange;
            outcome = relay.relay(call, relayed, sink, accounting, ended -> usedTokens(call, ended),
                    () -> storeStream(call, accounting));
        }
        usage.record(call, true, outcome.status(), outcome.errorCode(), outcome.truncated(), outcome.used(),
                accounting.firstContentNanos(), 0);
        return accounting.firstContentNanos();
    }

    /** Starts the upstream call; a failure, or the client leaving before the answer began, is recorded and thrown. */
    private Exchange open(ChatCall call, boolean stream) {
        try {
            return adapters.forKind(call.target().provider().kind()).open(call.request(), call.target(), stream);
        } catch (UntranslatableRequestException refused) {
            throw refused.error();  // nothing reached the upstream, so nothing is recorded
        } catch (ApiError error) {
            log.warn("Upstream provider '{}' failed request {}: {} {}", call.target().provider().name(),
                    call.requestId(), error.status(), error.getMessage());
            throw failed(call, stream, error);
        } catch (ClientGoneException gone) {
            log.debug("Client went away before request {} was answered; upstream call cancelled", call.requestId());
            failed(call, stream, ApiError.clientClosedRequest());
            throw gone;
        }
    }

    /** Records a call that produced no answer, and returns the error to throw. */
    private ApiError failed(ChatCall call, boolean stream, ApiError error) {
        usage.recordFailure(call, stream, error);
        return error;
    }

    private TokenUsage usedTokens(ChatCall call, StreamAccounting accounting) {
        return accounting.reported() != null ? accounting.reported() : estimate(call, accounting.generatedText());
    }

    private TokenUsage estimate(ChatCall call, String generated) {
        String model = call.target().model();
        return TokenUsage.estimated(tokens.countPrompt(call.request().messages(), model), tokens.count(generated, model));
    }

    /** Reassembles a whole streamed answer only when it is stored. */
    private void storeStream(ChatCall call, StreamAccounting accounting) {
        if (messages.wants(call)) {
            messages.store(call, call.request().messages(), accounting.assembled());
        }
    }

    private static String completionText(JsonNode completion) {
        StringBuilder text = new StringBuilder();
        for (JsonNode choice : completion.path("choices")) {
            JsonNode message = choice.path("message");
            text.append(message.path("reasoning_content").asText("")).append(MessageText.of(message.get("content")));
            for (JsonNode call : message.path("tool_calls")) {
                text.append(call.path("function").path("name").asText(""))
                        .append(call.path("function").path("arguments").asText(""));
            }
        }
        return text.toString();
    }
}
