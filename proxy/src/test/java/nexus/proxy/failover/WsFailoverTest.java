package nexus.proxy.failover;

import static nexus.proxy.failover.TwoProviders.CHAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.OpenAiReplies;
import nexus.proxy.conversations.ChatSocket;
import nexus.shared.db.Usage;

/** {@code /ws/chat} for a model two providers serve: the second answers a frame the first failed before any chunk. */
class WsFailoverTest {

    @RegisterExtension
    final TwoProviders gateway = new TwoProviders();

    @Test
    void a_503_is_answered_by_the_second_provider_over_the_socket() throws Exception {
        gateway.first().enqueue(OpenAiReplies.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        List<String> events = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4", "Hello", " socket"));
        events.add("[DONE]");
        gateway.second().enqueue(OpenAiReplies.stream(events));

        List<JsonNode> frames;
        try (ChatSocket socket = new ChatSocket(gateway.proxy(), TwoProviders.KEY)) {
            frames = socket.ask(CHAT);
        }

        assertThat(frames.getLast().path("type").asText()).as("frames %s", frames).isEqualTo("done");
        StringBuilder text = new StringBuilder();
        frames.forEach(frame -> frame.path("data").path("choices")
                .forEach(choice -> text.append(choice.path("delta").path("content").asText(""))));
        assertThat(text).hasToString("Hello socket");
        assertThat(gateway.rows(2)).extracting(Usage::providerId, Usage::status, Usage::attempt, Usage::endpoint)
                .containsExactlyInAnyOrder(tuple(gateway.firstId(), 503, 1, "ws.chat"),
                        tuple(gateway.secondId(), 200, 2, "ws.chat"));
    }
}
