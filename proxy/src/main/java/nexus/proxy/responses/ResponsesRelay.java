package nexus.proxy.responses;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.JsonTrees;
import nexus.proxy.anthropic.NamedEvents;
import nexus.proxy.chat.ClientGoneException;
import nexus.proxy.chat.StreamRelay;
import nexus.proxy.conversations.ConversationItems;
import nexus.proxy.upstream.StreamCutException;
import nexus.proxy.upstream.UpstreamCall;
import nexus.proxy.upstream.UpstreamClients;
import nexus.proxy.upstream.UpstreamFailures;
import nexus.proxy.upstream.UpstreamSockets;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.proxy.upstream.openai.OpenAiRequests;
import nexus.proxy.usage.TokenCounter;
import nexus.proxy.usage.TokenUsage;
import nexus.proxy.usage.UsageRecorder;
import nexus.shared.db.Provider;
import nexus.shared.error.ApiError;

/**
 * Serves a Responses API request from a server that speaks it: the client's request goes to
 * {@code {server_url}/responses} as it came (only {@code model} renamed where needed), the answer comes back as it
 * came, the JSON whole or each event as it arrives. Records one usage row from the usage the finished response
 * reports (estimated when it never came), however the call ends, and keeps the finished response for its owner unless
 * {@code store} is false. A request in a conversation is sent with the conversation's items before its input (the
 * upstream cannot know a conversation only Nexus keeps), and extends it once the response is finished. Thread-safe.
 */
public final class ResponsesRelay {

    private static final Logger log = LoggerFactory.getLogger(ResponsesRelay.class);

    private final UpstreamClients http;
    private final UpstreamWatchdog watchdog;
    private final ResponseStore store;
    private final ResponsesConversation conversations;
    private final ObjectMapper mapper;
    private final TokenCounter tokens;
    private final UsageRecorder usage;

    public ResponsesRelay(UpstreamClients http, UpstreamWatchdog watchdog, ResponseStore store,
                          ConversationItems conversations, ObjectMapper mapper, TokenCounter tokens, UsageRecorder usage) {
        this.http = http;
        this.watchdog = watchdog;
        this.store = store;
        this.conversations = new ResponsesConversation(conversations, mapper);
        this.mapper = mapper;
        this.tokens = tokens;
        this.usage = usage;
    }

    /** A non-streamed answer: the upstream's response bytes as they came. */
    byte[] complete(ResponsesCall call) {
        try (UpstreamCall upstream = open(call, false)) {
            byte[] body;
            try {
                body = upstream.body();
            } catch (StreamCutException cut) {
                throw failed(call, false, cut.error());
            } catch (ClientGoneException gone) {
                usage.record(call, false, StreamRelay.CLIENT_CLOSED, StreamRelay.CLIENT_CLOSED_CODE, true,
                        estimate(call, ""), 0, 0);
                throw gone;
            }
            JsonNode response = JsonTrees.objectOrNull(body, mapper);
            if (response == null) {
                throw failed(call, false, ApiError.upstreamUnavailable("The upstream provider '"
                        + provider(call).name() + "' answered with a body that is not a JSON object."));
            }
            usage.record(call, false, 200, null, false, used(call, response), 0, 0);
            keep(call, response);
            return body;
        }
    }

    /**
     * A streamed answer, each event relayed as it arrives. It is complete at {@code response.completed},
     * {@code response.incomplete} or {@code response.failed}; an upstream {@code error} event, a cut, or an end
     * before any of those ends it broken, with one {@code error} event of our own unless the upstream sent one. When
     * {@code retryable}, the first event is read before the client's stream begins, so a stream that breaks before it
     * is thrown as ApiError like a failure to start (and may be tried elsewhere). Answers when its first content
     * arrived ({@link System#nanoTime()}, 0 for none).
     */
    long stream(ResponsesCall call, HttpServletResponse response, boolean retryable) {
        StringBuilder generated = new StringBuilder();
        long firstContentNanos = 0;
        try (UpstreamCall upstream = open(call, true)) {
            String peeked = retryable ? firstEvent(call, upstream) : null;
            NamedEvents out = NamedEvents.start(response);
            try (var flushing = UpstreamSockets.beforeWaiting(out::flush)) {
                while (true) {
                    String data = peeked;
                    peeked = null;
                    try {
                        data = data != null ? data : upstream.nextEvent();
                    } catch (StreamCutException cut) {
                        endBroken(call, out, cut.error(), null, generated, firstContentNanos);
                        return firstContentNanos;
                    }
                    if (data == null) {
                        endBroken(call, out, endedEarly(call), null, generated, firstContentNanos);
                        return firstContentNanos;
                    }
                    JsonNode event = JsonTrees.objectOrNull(data.getBytes(StandardCharsets.UTF_8), mapper);
                    String type = event == null ? "" : event.path("type").asText("");
                    if (type.equals("error")) {
                        endBroken(call, out, UpstreamFailures.inStream(provider(call), data, mapper), data,
                                generated, firstContentNanos);
                        return firstContentNanos;
                    }
                    String name = upstream.eventName() != null ? upstream.eventName() : type;
                    if (type.equals("response.completed") || type.equals("response.incomplete")
                            || type.equals("response.failed")) {
                        upstream.finish();
                        JsonNode finished = event.path("response");
                        endKept(call, out, name, data, finished);
                        usage.record(call, true, 200, null, false, used(call, finished), firstContentNanos, 0);
                        return firstContentNanos;
                    }
                    out.write(name, data);
                    if (type.endsWith(".delta") && event.path("delta").isTextual()) {
                        generated.append(event.get("delta").asText());
                        firstContentNanos = firstContentNanos == 0 ? System.nanoTime() : firstContentNanos;
                    }
                    if (!upstream.mayDeferFlush()) {
                        out.flush();
                    }
                }
            }
        } catch (ClientGoneException gone) {
            log.debug("Client went away during request {}; upstream call cancelled", call.requestId());
            usage.record(call, true, StreamRelay.CLIENT_CLOSED, StreamRelay.CLIENT_CLOSED_CODE, true,
                    estimate(call, generated.toString()), firstContentNanos, 0);
        }
        return firstContentNanos;
    }

    /** The first event, read before the client's stream begins; a stream that ends or breaks before it is thrown. */
    private String firstEvent(ResponsesCall call, UpstreamCall upstream) {
        String data;
        try {
            data = upstream.nextEvent();
        } catch (StreamCutException cut) {
            throw failed(call, true, cut.error());
        }
        if (data == null) {
            throw failed(call, true, endedEarly(call));
        }
        return data;
    }

    private static ApiError endedEarly(ResponsesCall call) {
        return ApiError.upstreamUnavailable("The upstream provider '" + provider(call).name()
                + "' ended the stream before the response was complete.");
    }

    /**
     * Ends a finished stream: the response kept (and its conversation extended) before its last event leaves, so a
     * client that reads the end finds them; when they cannot be kept, an {@code error} event in its place.
     */
    private void endKept(ResponsesCall call, NamedEvents out, String name, String data, JsonNode finished) {
        try {
            keep(call, finished);
            out.write(name, data);
        } catch (ApiError error) {
            log.warn("Response of request {} could not be kept: {}", call.requestId(), error.getMessage());
            out.write("error", mapper.createObjectNode().put("type", "error").put("code", error.code())
                    .put("message", error.getMessage()).putNull("param").toString());
        }
        out.close();
    }

    /** Ends a broken stream with one error event: the upstream's own when it sent one; the row is marked truncated. */
    private void endBroken(ResponsesCall call, NamedEvents out, ApiError error, String upstreamEvent,
                           StringBuilder generated, long firstContentNanos) {
        log.warn("Stream of request {} from provider '{}' broke off: {}", call.requestId(), provider(call).name(),
                error.getMessage());
        try {
            out.write("error", upstreamEvent != null ? upstreamEvent : mapper.createObjectNode().put("type", "error")
                    .put("code", error.code()).put("message", error.getMessage()).putNull("param").toString());
            out.close();
        } catch (ClientGoneException gone) {
            log.debug("Client of request {} left before the error event", call.requestId());
        }
        usage.record(call, true, error.status(), error.code(), true, estimate(call, generated.toString()),
                firstContentNanos, 0);
    }

    private UpstreamCall open(ResponsesCall call, boolean stream) {
        Provider provider = provider(call);
        try {
            return UpstreamCall.start(http.forProvider(provider), watchdog, OpenAiRequests.postJson(provider,
                    "responses", call.request().upstreamBody(call.target().model(),
                            call.turn() == null ? null : call.turn().history(), mapper), stream), provider,
                    stream, (status, body) -> UpstreamFailures.status(provider, status, body, mapper));
        } catch (ApiError error) {
            log.warn("Upstream provider '{}' failed request {}: {} {}", provider.name(), call.requestId(),
                    error.status(), error.getMessage());
            throw failed(call, stream, error);
        } catch (ClientGoneException gone) {
            failed(call, stream, ApiError.clientClosedRequest());
            throw gone;
        }
    }

    private ApiError failed(ResponsesCall call, boolean stream, ApiError error) {
        usage.recordFailure(call, stream, error);
        return error;
    }

    /**
     * Keeps the finished response under its upstream id, unless the client asked not to, and extends its conversation
     * when it has one.
     */
    private void keep(ResponsesCall call, JsonNode response) {
        if (call.request().store() && response.path("id").isTextual()) {
            store.save(call.owner(), call.request(), response, call.startMillis());
        }
        conversations.append(call.turn(), response);
    }

    /** What the response reports it cost, else an estimate from its output text. */
    private TokenUsage used(ResponsesCall call, JsonNode response) {
        JsonNode reported = response.path("usage");
        if (reported.path("input_tokens").canConvertToLong() && reported.path("output_tokens").canConvertToLong()) {
            long input = reported.get("input_tokens").asLong();
            long output = reported.get("output_tokens").asLong();
            return TokenUsage.reported(mapper.createObjectNode().put("prompt_tokens", input)
                    .put("completion_tokens", output).put("total_tokens", input + output).put("cache_read_input_tokens",
                            reported.path("input_tokens_details").path("cached_tokens").asLong(0)));
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode item : response.path("output")) {
            for (JsonNode part : item.path("content")) {
                text.append(part.path("text").asText(""));
            }
            text.append(item.path("arguments").asText(""));
        }
        return estimate(call, text.toString());
    }

    private TokenUsage estimate(ResponsesCall call, String generated) {
        String model = call.target().model();
        return TokenUsage.estimated(tokens.count(call.request().inputItems().toString(), model),
                tokens.count(generated, model));
    }

    private static Provider provider(ResponsesCall call) {
        return call.target().provider();
    }
}
