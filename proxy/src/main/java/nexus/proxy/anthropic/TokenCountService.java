package nexus.proxy.anthropic;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.JsonTrees;
import nexus.proxy.routing.Target;
import nexus.proxy.upstream.StreamCutException;
import nexus.proxy.upstream.UpstreamCall;
import nexus.proxy.upstream.UpstreamClients;
import nexus.proxy.upstream.UpstreamFailures;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.proxy.upstream.anthropic.MessagesApiRequests;
import nexus.proxy.usage.TokenCounter;
import nexus.shared.db.Provider;
import nexus.shared.error.ApiError;

/**
 * Counts the input tokens of a Messages request ({@code POST /v1/messages/count_tokens}): a provider of kind
 * anthropic is asked at {@code {server_url}/messages/count_tokens} with the request as it came, and its answer passed
 * on as it came; for the other kinds the request is translated as for a chat completion and its prompt counted with
 * the tokenizer, an estimate. A count costs nothing, so no usage row is recorded. Thread-safe.
 */
final class TokenCountService {

    private static final Logger log = LoggerFactory.getLogger(TokenCountService.class);
    private static final String UPSTREAM_PATH = "messages/count_tokens";

    private final UpstreamClients http;
    private final UpstreamWatchdog watchdog;
    private final ObjectMapper mapper;
    private final TokenCounter tokens;

    TokenCountService(UpstreamClients http, UpstreamWatchdog watchdog, ObjectMapper mapper, TokenCounter tokens) {
        this.http = http;
        this.watchdog = watchdog;
        this.mapper = mapper;
        this.tokens = tokens;
    }

    /**
     * The answer's JSON: {@code {"input_tokens": n}}, or the anthropic provider's own.
     *
     * @param version the client's {@code anthropic-version}, or null
     * @param beta    the client's {@code anthropic-beta}, or null
     */
    byte[] count(Target target, MessagesRequest request, String version, String beta) {
        return switch (target.provider().kind()) {
            case ANTHROPIC -> askUpstream(target, request, version, beta);
            case OPENAI, MOCK -> estimate(target, request);
        };
    }

    private byte[] askUpstream(Target target, MessagesRequest request, String version, String beta) {
        Provider provider = target.provider();
        Request.Builder upstream = MessagesApiRequests.post(provider, UPSTREAM_PATH,
                version != null ? version : MessagesApiRequests.API_VERSION,
                request.upstreamBody(target.model(), mapper));
        if (beta != null) {
            upstream.header(MessagesHandler.BETA_HEADER, beta);
        }
        try (UpstreamCall call = UpstreamCall.start(http.forProvider(provider), watchdog, upstream.build(), provider,
                false, (status, body) -> UpstreamFailures.status(provider, status, body, mapper))) {
            byte[] body = call.body();
            if (JsonTrees.objectOrNull(body, mapper) == null) {
                throw ApiError.upstreamUnavailable("The upstream provider '" + provider.name()
                        + "' answered a token count with a body that is not a JSON object.");
            }
            return body;
        } catch (StreamCutException cut) {
            throw cut.error();
        } catch (ApiError error) {
            log.warn("Upstream provider '{}' failed a token count: {} {}", provider.name(), error.status(),
                    error.getMessage());
            throw error;
        }
    }

    /** The prompt as a chat completion would send it, and the tools' definitions, counted with the tokenizer. */
    private byte[] estimate(Target target, MessagesRequest request) {
        ObjectNode chat = MessagesToChat.translate(request, mapper);
        String model = target.model();
        long count = tokens.countPrompt(chat.get("messages"), model);
        JsonNode tools = chat.get("tools");
        if (tools != null) {
            count += tokens.count(tools.toString(), model);
        }
        try {
            return mapper.writeValueAsBytes(mapper.createObjectNode().put("input_tokens", count));
        } catch (IOException e) {
            throw new IllegalStateException("A token count could not be written", e);
        }
    }
}
