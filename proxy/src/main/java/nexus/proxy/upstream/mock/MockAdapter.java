package nexus.proxy.upstream.mock;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.proxy.chat.ChatRequest;
import nexus.proxy.chat.MessageText;
import nexus.proxy.endpoints.Endpoint;
import nexus.proxy.endpoints.EndpointRequest;
import nexus.proxy.endpoints.TextInput;
import nexus.proxy.routing.Target;
import nexus.proxy.upstream.Exchange;
import nexus.proxy.upstream.UpstreamAdapter;
import nexus.proxy.usage.TokenCounter;
import nexus.shared.db.MockSettings;
import nexus.shared.db.Provider;
import nexus.shared.error.ApiError;

/**
 * The built-in {@code mock} kind: answers locally with an echo of the last user message (a legacy completion: of its
 * prompt), counted with the real tokenizer, streamed in the provider's configured number of chunks and delay; and
 * deterministic embeddings, rerank scores and images. Stateless and thread-safe.
 */
public final class MockAdapter implements UpstreamAdapter {

    private final ObjectMapper mapper;
    private final TokenCounter tokens;
    private final Clock clock;

    public MockAdapter(ObjectMapper mapper, TokenCounter tokens, Clock clock) {
        this.mapper = mapper;
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public Exchange open(ChatRequest request, Target target, boolean stream) {
        int promptTokens = tokens.countPrompt(request.messages(), target.model());
        return new MockExchange(answer(target.model(), MessageText.lastUser(request.messages()), promptTokens,
                request.body(), false), settings(target.provider()), mapper);
    }

    /** The mock serves every endpoint. */
    @Override
    public boolean serves(Endpoint endpoint) {
        return true;
    }

    @Override
    public Exchange open(EndpointRequest request, Target target) {
        MockSettings settings = settings(target.provider());
        String model = target.model();
        long promptTokens = request.endpoint().rules().promptTokens(request.body(), tokens, model);
        try {
            return switch (request.endpoint()) {
                case EMBEDDINGS -> new MockBody(MockEmbeddings.answer(request, model, promptTokens, mapper));
                case RERANK -> new MockBody(MockRerank.answer(request.body(), model, promptTokens,
                        "rerank-mock-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE),
                        mapper));
                case IMAGES_GENERATIONS -> new MockBody(MockImages.answer(request.body(), promptTokens,
                        clock.instant().getEpochSecond(), mapper));
                case COMPLETIONS -> {
                    String echo = echo(TextInput.read(request.body(), "prompt", true));
                    yield new MockExchange(answer(model, echo, (int) promptTokens, request.body(), true), settings,
                            mapper);
                }
            };
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A mock answer built as a JSON tree could not be written", e);
        }
    }

    /** The echo, cut to the request's {@code max_completion_tokens} or {@code max_tokens} as a model would cut it. */
    private MockAnswer answer(String model, String echo, int promptTokens, JsonNode body, boolean textCompletion) {
        int limit = Integer.MAX_VALUE;
        for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode value = body.get(field);
            if (value != null && value.canConvertToInt() && value.intValue() > 0) {
                limit = Math.min(limit, value.intValue());
            }
        }
        String text = limit == Integer.MAX_VALUE ? echo : tokens.truncate(echo, limit, model);
        return new MockAnswer(model, text, promptTokens, tokens.count(text, model), clock.instant().getEpochSecond(),
                textCompletion, !text.equals(echo));
    }

    /** A legacy completion echoes its prompt's texts, one per line. */
    private static String echo(TextInput prompt) {
        return prompt.items().stream().map(TextInput.Item::text).filter(Objects::nonNull)
                .collect(Collectors.joining("\n"));
    }

    /** A mock provider's settings from its server URL; 502 when they cannot be read. */
    public static MockSettings settings(Provider provider) {
        try {
            return MockSettings.parse(provider.serverUrl());
        } catch (IllegalArgumentException e) {
            throw ApiError.upstreamUnavailable("The mock provider '" + provider.name() + "' is misconfigured: "
                    + e.getMessage());
        }
    }
}
