package nexus.proxy.anthropic;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import okhttp3.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.JsonTrees;
import nexus.proxy.chat.ClientGoneException;
import nexus.proxy.chat.MessageText;
import nexus.proxy.chat.StreamRelay;
import nexus.proxy.messages.MessageStore;
import nexus.proxy.upstream.StreamCutException;
import nexus.proxy.upstream.UpstreamCall;
import nexus.proxy.upstream.UpstreamClients;
import nexus.proxy.upstream.UpstreamFailures;
import nexus.proxy.upstream.UpstreamSockets;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.proxy.upstream.anthropic.AnthropicUsage;
import nexus.proxy.upstream.anthropic.MessagesApiRequests;
import nexus.proxy.usage.TokenCounter;
import nexus.proxy.usage.TokenUsage;
import nexus.proxy.usage.UsageRecorder;
import nexus.shared.db.Provider;
import nexus.shared.db.UsageSource;
import nexus.shared.error.ApiError;

/**
 * Serves a Messages request from a provider of kind {@code anthropic}: the client's request goes to
 * {@code {server_url}/messages} as it came, with the provider's key and the client's {@code anthropic-version} and
 * {@code anthropic-beta}; the answer comes back as it came, the JSON whole or each event as it arrives. Records one
 * usage row from the usage the answer reports, however the call ends, and stores the exchange when that is on.
 * Thread-safe.
 */
public final class MessagesRelay {

    private static final Logger log = LoggerFactory.getLogger(MessagesRelay.class);

    private final UpstreamClients http;
    private final UpstreamWatchdog watchdog;
    private final ObjectMapper mapper;
    private final TokenCounter tokens;
    private final UsageRecorder usage;
    private final MessageStore messages;

    public MessagesRelay(UpstreamClients http, UpstreamWatchdog watchdog, ObjectMapper mapper, TokenCounter tokens,
                         UsageRecorder usage, MessageStore messages) {
        this.http = http;
        this.watchdog = watchdog;
        this.mapper = mapper;
        this.tokens = tokens;
        this.usage = usage;
        this.messages = messages;
    }

    /** A non-streamed answer: the upstream's message bytes as they came. */
    byte[] complete(MessagesCall call) {
        UpstreamCall upstream = open(call, false);
        try (upstream) {
            byte[] body;
            try {
                body = upstream.body();
            } catch (StreamCutException cut) {
                throw failed(call, false, cut.error());
            } catch (ClientGoneException gone) {
                log.debug("Client went away during request {}; upstream call cancelled", call.requestId());
                usage.record(call, false, StreamRelay.CLIENT_CLOSED, StreamRelay.CLIENT_CLOSED_CODE, true,
                        estimate(call, null, ""), 0, 0);
                throw gone;
            }
            JsonNode message = JsonTrees.objectOrNull(body, mapper);
            if (message == null) {
                throw failed(call, false, ApiError.upstreamUnavailable("The upstream provider '"
                        + provider(call).name() + "' answered with a body that is not a JSON object."));
            }
            TokenUsage used = TokenUsage.reported(AnthropicUsage.toOpenAi(message.get("usage"), mapper));
            if (used == null) {
                used = estimate(call, null, MessageText.of(message.get("content")));
            }
            usage.record(call, false, 200, null, false, used, 0, 0);
            messages.store(call, call.request().body().get("messages"), message);
            return body;
        }
    }

    /**
     * A streamed answer, each event relayed as it arrives and flushed when nothing more has arrived behind it. Failures
     * before the upstream accepted (when {@code retryable}, before its first event) are thrown as ApiError; after
     * that they end the stream with one error event.
     */
    void stream(MessagesCall call, HttpServletResponse response, boolean retryable) {
        RelayedStream seen = new RelayedStream(mapper);
        UpstreamCall upstream = open(call, true);
        try (upstream) {
            String first = retryable ? firstEvent(call, upstream) : null;
            NamedEvents out = NamedEvents.start(response);
            try (var flushing = UpstreamSockets.beforeWaiting(out::flush)) {
                while (true) {
                    String data;
                    try {
                        data = first != null ? first : upstream.nextEvent();
                        first = null;
                    } catch (StreamCutException cut) {
                        endBroken(call, seen, out, cut.error(), null);
                        return;
                    }
                    if (data == null) {
                        endBroken(call, seen, out, ApiError.upstreamUnavailable("The upstream provider '"
                                + provider(call).name() + "' ended the stream without message_stop; the answer may be"
                                + " incomplete."), null);
                        return;
                    }
                    String name = upstream.eventName();
                    if ("error".equals(name)) {
                        endBroken(call, seen, out, UpstreamFailures.inStream(provider(call), data, mapper), data);
                        return;
                    }
                    seen.inspect(name, data);
                    out.write(name, data);
                    if ("message_stop".equals(name)) {
                        upstream.finish();
                        storeStream(call, seen);  // before the end, which the client may answer with its next turn
                        out.close();
                        usage.record(call, true, 200, null, false, used(call, seen), seen.firstContentNanos(), 0);
                        return;
                    }
                    if (!upstream.mayDeferFlush()) {
                        out.flush();
                    }
                }
            }
        } catch (ClientGoneException gone) {
            log.debug("Client went away during request {}; upstream call cancelled", call.requestId());
            usage.record(call, true, StreamRelay.CLIENT_CLOSED, StreamRelay.CLIENT_CLOSED_CODE, true, used(call, seen),
                    seen.firstContentNanos(), 0);
        }
    }

    /**
     * The first event, read before anything is sent to the client, so a stream that breaks before it is recorded and
     * thrown like a failure to start (and may be tried elsewhere).
     */
    private String firstEvent(MessagesCall call, UpstreamCall upstream) {
        try {
            String data = upstream.nextEvent();
            if (data == null) {
                throw failed(call, true, ApiError.upstreamUnavailable("The upstream provider '"
                        + provider(call).name() + "' ended the stream before its first event."));
            }
            return data;
        } catch (StreamCutException cut) {
            throw failed(call, true, cut.error());
        } catch (ClientGoneException gone) {
            failed(call, true, ApiError.clientClosedRequest());
            throw gone;
        }
    }

    /**
     * Ends a stream that broke after it began with one error event: the upstream's own when it sent one, else the
     * error in Anthropic's shape; the row is marked truncated.
     */
    private void endBroken(MessagesCall call, RelayedStream seen, NamedEvents out, ApiError error,
                           String upstreamEvent) {
        log.warn("Stream of request {} from provider '{}' broke off: {}", call.requestId(),
                provider(call).name(), error.getMessage());
        try {
            out.write("error", upstreamEvent != null ? upstreamEvent
                    : mapper.valueToTree(AnthropicErrors.envelope(error)).toString());
            out.close();
        } catch (ClientGoneException gone) {
            log.debug("Client of request {} left before the error event", call.requestId());
        }
        usage.record(call, true, error.status(), error.code(), true, used(call, seen), seen.firstContentNanos(), 0);
    }

    /** Starts the upstream call; a failure, or the client leaving before the answer began, is recorded and thrown. */
    private UpstreamCall open(MessagesCall call, boolean stream) {
        Provider provider = provider(call);
        try {
            Request.Builder request = MessagesApiRequests.post(provider,
                    call.version() != null ? call.version() : MessagesApiRequests.API_VERSION,
                    call.request().upstreamBody(call.target().model(), mapper));
            if (call.beta() != null) {
                request.header("anthropic-beta", call.beta());
            }
            return UpstreamCall.start(http.forProvider(provider), watchdog, request.build(), provider, stream,
                    (status, body) -> UpstreamFailures.status(provider, status, body, mapper));
        } catch (ApiError error) {
            log.warn("Upstream provider '{}' failed request {}: {} {}", provider.name(), call.requestId(),
                    error.status(), error.getMessage());
            throw failed(call, stream, error);
        } catch (ClientGoneException gone) {
            log.debug("Client went away before request {} was answered; upstream call cancelled", call.requestId());
            failed(call, stream, ApiError.clientClosedRequest());
            throw gone;
        }
    }

    /** Records a call that produced no answer, and returns the error to throw. */
    private ApiError failed(MessagesCall call, boolean stream, ApiError error) {
        usage.recordFailure(call, stream, error);
        return error;
    }

    /** Reassembles a whole streamed message only when it is stored. */
    private void storeStream(MessagesCall call, RelayedStream seen) {
        if (messages.wants(call)) {
            messages.store(call, call.request().body().get("messages"), seen.assembled());
        }
    }

    /** What a stream cost: its final count, else what message_start counted with the output estimated. */
    private TokenUsage used(MessagesCall call, RelayedStream seen) {
        TokenUsage counted = seen.finalUsage();
        return counted != null ? counted : estimate(call, seen.startUsage(), seen.generatedText());
    }

    /** The output counted with the tokenizer; the input too unless the upstream counted it. */
    private TokenUsage estimate(MessagesCall call, TokenUsage input, String generated) {
        String model = call.target().model();
        long completion = tokens.count(generated, model);
        if (input == null) {
            return TokenUsage.estimated(tokens.countPrompt(call.request().body().path("messages"), model), completion);
        }
        return new TokenUsage(input.promptTokens(), completion, input.promptTokens() + completion,
                input.cacheReadTokens(), input.cacheCreationTokens(), UsageSource.ESTIMATED);
    }

    private static Provider provider(MessagesCall call) {
        return call.target().provider();
    }
}
