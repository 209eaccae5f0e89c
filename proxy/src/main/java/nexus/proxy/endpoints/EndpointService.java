package nexus.proxy.endpoints;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.chat.ChatCompletionsHandler;
import nexus.proxy.chat.ChunkSink;
import nexus.proxy.chat.ClientGoneException;
import nexus.proxy.chat.PeekedExchange;
import nexus.proxy.chat.StreamAccounting;
import nexus.proxy.chat.StreamRelay;
import nexus.proxy.upstream.Exchange;
import nexus.proxy.upstream.UpstreamAdapters;
import nexus.proxy.upstream.UpstreamFailures;
import nexus.proxy.usage.TokenCounter;
import nexus.proxy.usage.TokenUsage;
import nexus.proxy.usage.UsageRecorder;
import nexus.shared.db.Provider;
import nexus.shared.error.ApiError;

/**
 * Runs one endpoint call against its upstream and accounts for it: the answer relayed as it came (or rewritten, for
 * rerank), and one usage row however the call ends. Knows nothing of Javalin. Thread-safe.
 */
public final class EndpointService {

    private static final Logger log = LoggerFactory.getLogger(EndpointService.class);

    private final UpstreamAdapters adapters;
    private final ObjectMapper mapper;
    private final TokenCounter tokens;
    private final UsageRecorder usage;
    private final JsonRelay jsonRelay;
    private final StreamRelay streamRelay;

    public EndpointService(UpstreamAdapters adapters, ObjectMapper mapper, TokenCounter tokens, UsageRecorder usage) {
        this.adapters = adapters;
        this.mapper = mapper;
        this.tokens = tokens;
        this.usage = usage;
        this.jsonRelay = new JsonRelay(mapper);
        this.streamRelay = new StreamRelay(mapper);
    }

    /** A whole answer, written to the response with status 200; failures before it began are thrown as ApiError. */
    public void complete(EndpointCall call, HttpServletResponse response) {
        EndpointRules rule = call.request().endpoint().rules();
        Exchange exchange = open(call);
        try (exchange) {
            if (rule.rewritesAnswer()) {
                completeRewritten(call, rule, exchange, response);
            } else {
                JsonRelay.Seen seen = relay(call, rule, exchange, response);
                TokenUsage used = rule.reported(seen.fields());
                if (used == null) {
                    used = estimate(call, rule, rule.generatedText(seen.fields()));
                }
                usage.record(call, false, 200, null, false, used, 0, rule.images(seen.dataEntries()));
            }
        } catch (IOException e) {
            ApiError error = UpstreamFailures.ofRead(call.target().provider(), e);
            if (!response.isCommitted()) {
                response.resetBuffer();  // what was relayed so far never left: the client gets a clean error
                throw failed(call, error);
            }
            log.warn("Answer of request {} from provider '{}' broke off: {}", call.requestId(),
                    call.target().provider().name(), error.getMessage());
            usage.record(call, false, error.status(), error.code(), true, estimate(call, rule, ""), 0, 0);
        } catch (ClientGoneException gone) {
            log.debug("Client went away during request {}; upstream call cancelled", call.requestId());
            usage.record(call, false, StreamRelay.CLIENT_CLOSED, StreamRelay.CLIENT_CLOSED_CODE, true,
                    estimate(call, rule, ""), 0, 0);
        }
    }

    /** Relays the answer as it arrives; one that does not even start as JSON is recorded as failed. */
    private JsonRelay.Seen relay(EndpointCall call, EndpointRules rule, Exchange exchange,
                                 HttpServletResponse response) throws IOException {
        try {
            return jsonRelay.relay(exchange.bodyStream(), response, rule.answerFields(),
                    call.target().provider().name());
        } catch (ApiError notJson) {
            throw failed(call, notJson);
        }
    }

    /** Reads the whole answer, rewrites it, and fills in the usage it did not report with the estimate. */
    private void completeRewritten(EndpointCall call, EndpointRules rule, Exchange exchange,
                                   HttpServletResponse response) throws IOException {
        JsonNode answer = parse(exchange.body());
        ObjectNode rewritten = answer == null ? null : rule.rewrite(answer, call.request().body());
        if (rewritten == null) {
            throw failed(call, ApiError.upstreamUnavailable("The upstream provider '" + call.target().provider().name()
                    + "' answered in a shape Nexus cannot read as " + call.request().endpoint().path() + "."));
        }
        TokenUsage used = rule.reported(rewritten);
        if (used == null) {
            used = estimate(call, rule, "");
            JsonNode reported = rewritten.get("usage");
            ObjectNode usageNode = reported instanceof ObjectNode object ? object : rewritten.putObject("usage");
            usageNode.put("total_tokens", used.totalTokens());
        }
        ChatCompletionsHandler.writeWhole(response, mapper.writeValueAsBytes(rewritten));
        usage.record(call, false, 200, null, false, used, 0, 0);
    }

    /**
     * A streamed answer (legacy completions), chunk by chunk into the sink. Failures before the upstream accepted
     * are thrown as ApiError; after that they end the stream with one error event. When {@code retryable}, the first
     * chunk is read before the sink begins, so a stream that breaks before it is thrown as ApiError too (and may be
     * tried elsewhere). Answers when its first content arrived ({@link System#nanoTime()}, 0 for none).
     */
    public long stream(EndpointCall call, ChunkSink sink, boolean retryable) {
        EndpointRules rule = call.request().endpoint().rules();
        StreamAccounting accounting = new StreamAccounting(mapper, call.request().clientWantsUsage());
        StreamRelay.Outcome outcome;
        try (Exchange exchange = open(call)) {
            Exchange relayed = retryable ? PeekedExchange.peek(exchange, call.target().provider(),
                    error -> failed(call, error)) : exchange;
            outcome = streamRelay.relay(call, relayed, sink, accounting, ended -> ended.reported() != null
                    ? ended.reported() : estimate(call, rule, ended.generatedText()), () -> { });
        }
        usage.record(call, true, outcome.status(), outcome.errorCode(), outcome.truncated(), outcome.used(),
                accounting.firstContentNanos(), 0);
        return accounting.firstContentNanos();
    }

    /** Which of a call's targets the endpoint can be called at: those whose provider's kind serves it. */
    public ServedTargets servedTargets(Endpoint endpoint) {
        return new ServedTargets(endpoint, adapters);
    }

    /**
     * Starts the upstream call, at a target {@link ServedTargets} kept; an upstream failure, or the client leaving
     * before the answer began, is recorded and thrown.
     */
    private Exchange open(EndpointCall call) {
        Provider provider = call.target().provider();
        try {
            return adapters.forKind(provider.kind()).open(call.request(), call.target());
        } catch (ApiError error) {
            log.warn("Upstream provider '{}' failed request {}: {} {}", provider.name(), call.requestId(),
                    error.status(), error.getMessage());
            throw failed(call, error);
        } catch (ClientGoneException gone) {
            log.debug("Client went away before request {} was answered; upstream call cancelled", call.requestId());
            failed(call, ApiError.clientClosedRequest());
            throw gone;
        }
    }

    /** Records a call that produced no answer, and returns the error to throw. */
    private ApiError failed(EndpointCall call, ApiError error) {
        usage.recordFailure(call, call.request().stream(), error);
        return error;
    }

    private TokenUsage estimate(EndpointCall call, EndpointRules rule, String generated) {
        String model = call.target().model();
        return TokenUsage.estimated(rule.promptTokens(call.request().body(), tokens, model),
                tokens.count(generated, model));
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode tree = mapper.readTree(body);
            return tree != null && (tree.isObject() || tree.isArray()) ? tree : null;
        } catch (IOException e) {
            return null;
        }
    }
}
