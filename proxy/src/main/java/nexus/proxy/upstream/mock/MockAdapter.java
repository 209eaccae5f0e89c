package nexus.proxy.upstream.mock;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.proxy.chat.ChatRequest;
import nexus.proxy.chat.MessageText;
import nexus.proxy.routing.Target;
import nexus.proxy.upstream.Exchange;
import nexus.proxy.upstream.UpstreamAdapter;
import nexus.proxy.usage.TokenCounter;
import nexus.shared.db.MockSettings;
import nexus.shared.error.ApiError;

/**
 * The built-in {@code mock} kind: answers locally with an echo of the last user message, counted with the real
 * tokenizer, streamed in the provider's configured number of chunks and delay. Stateless and thread-safe.
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
        MockSettings settings;
        try {
            settings = MockSettings.parse(target.provider().serverUrl());
        } catch (IllegalArgumentException e) {
            throw ApiError.upstreamUnavailable("The mock provider '" + target.provider().name()
                    + "' is misconfigured: " + e.getMessage());
        }
        String answer = MessageText.lastUser(request.messages());
        int promptTokens = tokens.countPrompt(request.messages(), target.model());
        int completionTokens = tokens.count(answer, target.model());
        MockAnswer mockAnswer = new MockAnswer(target.model(), answer, promptTokens, completionTokens,
                clock.instant().getEpochSecond());
        return new MockExchange(mockAnswer, settings, mapper);
    }
}
