package nexus.proxy.chat;

import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.messages.MessageStore;
import nexus.proxy.upstream.Exchange;
import nexus.proxy.upstream.StreamCutException;
import nexus.proxy.upstream.UntranslatableRequestException;
import nexus.proxy.upstream.UpstreamAdapters;
import nexus.proxy.upstream.UpstreamFailures;
import nexus.proxy.usage.TokenCounter;
import nexus.proxy.usage.TokenUsage;
import nexus.proxy.usage.UsageRecorder;
import nexus.shared.db.Provider;
import nexus.shared.db.Usage;
import nexus.shared.error.ApiError;

/**
 * Runs one chat call against its upstream and accounts for it: relays the answer, records one usage row however the
 * call ends, and stores the messages when that is on. Knows nothing of HTTP or WebSocket. Thread-safe.
 */
public final class ChatService {

    private static final Logger log = LoggerFactory.getLogger(ChatService.class);
    /** The status recorded when the client went away first (nginx's convention, and Javalin's). */
    static final int CLIENT_CLOSED = 499;

    private final UpstreamAdapters adapters;
    private final ObjectMapper mapper;
    private final TokenCounter tokens;
    private final UsageRecorder usage;
    private final MessageStore messages;

    public ChatService(UpstreamAdapters adapters, ObjectMapper mapper, TokenCounter tokens, UsageRecorder usage,
                       MessageStore messages) {
        this.adapters = adapters;
        this.mapper = mapper;
        this.tokens = tokens;
        this.usage = usage;
        this.messages = messages;
    }

    /** A non-streamed answer: the upstream's {@code chat.completion} bytes as they came. */
    public byte[] complete(ChatCall call) {
        try (Exchange exchange = open(call, false)) {
            byte[] body = exchange.body();
            JsonNode completion = parseObject(body);
            if (completion == null) {
                throw failed(call, false, ApiError.upstreamUnavailable("The upstream provider '"
                        + call.target().provider().name() + "' answered with a body that is not a JSON object."));
            }
            TokenUsage used = TokenUsage.reported(completion.get("usage"));
            if (used == null) {
                used = estimate(call, completionText(completion));
            }
            finish(call, false, 200, null, false, used, 0);
            store(call, false, 200, completion, null);
            return body;
        } catch (IOException e) {
            throw failed(call, false, cutError(call, e));
        }
    }

    /**
     * A streamed answer, chunk by chunk into the sink. Failures before the upstream accepted are thrown as ApiError
     * (nothing was sent yet); after that they end the stream with one error event.
     */
    public void stream(ChatCall call, ChunkSink sink) {
        StreamAccounting accounting = new StreamAccounting(mapper, call.request().clientWantsUsage());
        try (Exchange exchange = open(call, true)) {
            sink.begin();
            while (true) {
                String chunk;
                try {
                    chunk = exchange.nextChunk();
                } catch (IOException e) {
                    endBroken(call, accounting, sink, cutError(call, e));
                    return;
                }
                if (chunk == null) {
                    break;
                }
                switch (accounting.inspect(chunk)) {
                    case FORWARD -> {
                        sink.chunk(chunk);
                        if (!exchange.hasBufferedData()) {
                            sink.flush();  // every event leaves as soon as nothing more has arrived behind it
                        }
                    }
                    case HIDE -> { }
                    case ERROR -> {
                        endBroken(call, accounting, sink,
                                UpstreamFailures.inStream(call.target().provider(), chunk, mapper));
                        return;
                    }
                }
            }
            TokenUsage used = usedTokens(call, accounting);
            sink.done(new StreamSummary(accounting.completionId(), call.requestId(), call.conversationId(), used));
            finish(call, true, 200, null, false, used, accounting.firstContentNanos());
            storeStream(call, 200, accounting, null);
        } catch (ClientGoneException gone) {
            log.debug("Client went away during request {}; upstream call cancelled", call.requestId());
            finish(call, true, CLIENT_CLOSED, "client_closed_request", true, usedTokens(call, accounting),
                    accounting.firstContentNanos());
            storeStream(call, CLIENT_CLOSED, accounting, null);
        }
    }

    /** Ends a stream that broke after it began: one error event, no [DONE], the row marked truncated. */
    private void endBroken(ChatCall call, StreamAccounting accounting, ChunkSink sink, ApiError error) {
        log.warn("Stream of request {} from provider '{}' broke off: {}", call.requestId(),
                call.target().provider().name(), error.getMessage());
        try {
            sink.error(error);
        } catch (ClientGoneException gone) {
            log.debug("Client of request {} left before the error event", call.requestId());
        }
        finish(call, true, error.status(), error.code(), true, usedTokens(call, accounting),
                accounting.firstContentNanos());
        storeStream(call, error.status(), accounting, error);
    }

    /** The error a failed upstream read shows the client: the exchange's own verdict when it gave one. */
    private static ApiError cutError(ChatCall call, IOException failure) {
        return failure instanceof StreamCutException cut ? cut.error()
                : UpstreamFailures.cut(call.target().provider(), failure);
    }

    private Exchange open(ChatCall call, boolean stream) {
        try {
            return adapters.forKind(call.target().provider().kind()).open(call.request(), call.target(), stream);
        } catch (UntranslatableRequestException refused) {
            throw refused.error();  // nothing reached the upstream, so nothing is recorded
        } catch (ApiError error) {
            log.warn("Upstream provider '{}' failed request {}: {} {}", call.target().provider().name(),
                    call.requestId(), error.status(), error.getMessage());
            throw failed(call, stream, error);
        }
    }

    /** Records a call that produced no answer, and returns the error to throw. */
    private ApiError failed(ChatCall call, boolean stream, ApiError error) {
        finish(call, stream, error.status(), error.code(), false, TokenUsage.MISSING, 0);
        store(call, stream, error.status(), null, error);
        return error;
    }

    private TokenUsage usedTokens(ChatCall call, StreamAccounting accounting) {
        return accounting.reported() != null ? accounting.reported() : estimate(call, accounting.generatedText());
    }

    private TokenUsage estimate(ChatCall call, String generated) {
        String model = call.target().model();
        return TokenUsage.estimated(tokens.countPrompt(call.request().messages(), model), tokens.count(generated, model));
    }

    private void finish(ChatCall call, boolean stream, int status, String errorCode, boolean truncated,
                        TokenUsage used, long firstContentNanos) {
        Provider provider = call.target().provider();
        long latencyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call.startNanos());
        Long firstTokenMillis = firstContentNanos == 0 ? null
                : TimeUnit.NANOSECONDS.toMillis(firstContentNanos - call.startNanos());
        usage.record(new Usage(0, call.requestId(), call.apiKey(), provider.id(), provider.name(), call.target().model(),
                call.conversationId(), call.endpoint(), stream, used.promptTokens(), used.completionTokens(),
                used.totalTokens(), used.source(), status, truncated, errorCode, latencyMillis, firstTokenMillis,
                call.startMillis(), used.cacheReadTokens(), used.cacheCreationTokens(), 0));
    }

    /** Reassembles the streamed answer only when it is stored. */
    private void storeStream(ChatCall call, int status, StreamAccounting accounting, ApiError error) {
        if (messages.enabled()) {
            store(call, true, status, accounting.assembled(), error);
        }
    }

    private void store(ChatCall call, boolean stream, int status, JsonNode response, ApiError error) {
        if (!messages.enabled()) {
            return;
        }
        ObjectNode line = mapper.createObjectNode();
        line.put("request_id", call.requestId());
        line.put("conversation_id", call.conversationId());
        line.put("time", Instant.ofEpochMilli(call.startMillis()).toString());
        line.put("provider", call.target().provider().name());
        line.put("model", call.target().model());
        line.put("stream", stream);
        line.put("status", status);
        line.set("messages", call.request().messages());
        line.set("response", response);
        if (error != null) {
            line.set("error", mapper.valueToTree(error.toEnvelope().error()));
        }
        messages.append(call.conversationId(), line);
    }

    private JsonNode parseObject(byte[] body) {
        try {
            JsonNode tree = mapper.readTree(body);
            return tree != null && tree.isObject() ? tree : null;
        } catch (IOException e) {
            return null;
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
