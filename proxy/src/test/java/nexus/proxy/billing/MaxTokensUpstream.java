package nexus.proxy.billing;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

import nexus.proxy.OpenAiReplies;

/**
 * Test helper: an OpenAI-compatible upstream whose every answer uses exactly the request's {@code max_tokens} (or
 * {@code max_completion_tokens}) as completion tokens, and one prompt token, as JSON or, for a streamed request, as SSE
 * with a usage chunk, so that a call's cost is what its admission reserved.
 */
final class MaxTokensUpstream extends Dispatcher {

    private static final Pattern MAX_TOKENS = Pattern.compile("\"max_(?:completion_)?tokens\":(\\d+)");

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String body = request.getBody().utf8();
        Matcher maxTokens = MAX_TOKENS.matcher(body);
        int tokens = maxTokens.find() ? Integer.parseInt(maxTokens.group(1)) : 10;
        if (body.contains("\"stream\":true")) {
            return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                    .body(OpenAiReplies.sseBody("c1", "gpt-4", 1, 1, tokens, List.of("x"))).build();
        }
        return OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "x", 1, tokens));
    }
}
