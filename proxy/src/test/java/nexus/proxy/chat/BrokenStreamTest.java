package nexus.proxy.chat;

import static nexus.proxy.ProxyWithUpstream.assertFailedBeforeAnswer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import nexus.proxy.ErrorBody;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.Sse;
import nexus.proxy.usage.TokenCounter;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** An answer that breaks off after it began: what arrived is relayed, then one error event; the row is truncated. */
class BrokenStreamTest {

    private static final String CHAT = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String STREAM = "{\"model\":\"gpt-4\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    @Test
    void a_stream_cut_off_midway_ends_with_one_error_event_and_no_done() throws Exception {
        List<String> events = new ArrayList<>(OpenAiReplies.answerChunks("gpt-4",
                "Once upon", " a time", " there was", " a gateway", " that relayed", " every token"));
        events.add(OpenAiReplies.usageChunk("gpt-4", 10, 12));
        events.add("[DONE]");
        gateway.upstream().enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(OpenAiReplies.sse(events))
                .onResponseBody(new SocketEffect.CloseSocket())  // closes the socket halfway through the body
                .build());

        Reply reply = gateway.send(STREAM);

        assertThat(reply.status()).isEqualTo(200);
        List<String> received = Sse.data(reply.body());
        List<String> relayed = received.subList(0, received.size() - 1);
        assertThat(events).startsWith(relayed.toArray(String[]::new));
        assertThat(relayed).hasSizeGreaterThan(1).doesNotContain("[DONE]").noneMatch(event -> event.contains("error"));
        assertThat(ErrorBody.of(received.getLast()).withoutMessage())
                .isEqualTo(ErrorBody.of("upstream_error", "upstream_unavailable", null));
        assertThat(reply.body()).doesNotContain("[DONE]");

        Usage row = gateway.onlyRow();
        String arrived = Sse.contents(relayed);
        assertThat(arrived).isNotEmpty();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.truncated()).isTrue();
        assertThat(row.errorCode()).isEqualTo("upstream_unavailable");
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(row.completionTokens()).isEqualTo(new TokenCounter().count(arrived, "gpt-4")).isPositive();
        assertThat(row.promptTokens()).isPositive();
        assertThat(row.firstTokenMillis()).isNotNull();
    }

    @Test
    void a_stream_that_ends_without_done_gets_one_error_event_after_all_its_events() throws Exception {
        List<String> events = OpenAiReplies.answerChunks("gpt-4", "Hel", "lo");
        gateway.upstream().enqueue(OpenAiReplies.stream(events));

        Reply reply = gateway.send(STREAM);

        List<String> received = Sse.data(reply.body());
        assertThat(received).hasSize(events.size() + 1);
        assertThat(received.subList(0, events.size())).containsExactlyElementsOf(events);
        ErrorBody error = ErrorBody.of(received.getLast());
        assertThat(error.code()).isEqualTo("upstream_unavailable");
        assertThat(error.message()).contains("[DONE]");
        assertThat(reply.body()).doesNotContain("data: [DONE]");

        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.truncated()).isTrue();
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(row.completionTokens()).isEqualTo(new TokenCounter().count("Hello", "gpt-4"));
    }

    @Test
    void an_error_event_from_the_upstream_ends_the_stream_with_one_error_event() throws Exception {
        List<String> events = List.of(
                OpenAiReplies.roleChunk("gpt-4"),
                OpenAiReplies.contentChunk("gpt-4", "Hel"),
                "{\"error\":{\"message\":\"The server is overloaded.\",\"type\":\"server_error\",\"param\":null,"
                        + "\"code\":\"overloaded\"}}",
                OpenAiReplies.contentChunk("gpt-4", "lo"),
                "[DONE]");
        gateway.upstream().enqueue(OpenAiReplies.stream(events));

        Reply reply = gateway.send(STREAM);

        List<String> received = Sse.data(reply.body());
        assertThat(received).hasSize(3);
        assertThat(received.subList(0, 2)).containsExactlyElementsOf(events.subList(0, 2));
        ErrorBody error = ErrorBody.of(received.getLast());
        assertThat(error.withoutMessage()).isEqualTo(ErrorBody.of("server_error", "overloaded", null));
        assertThat(error.message()).contains("The server is overloaded.");

        Usage row = gateway.onlyRow();
        assertThat(row.status()).isEqualTo(502);
        assertThat(row.truncated()).isTrue();
        assertThat(row.errorCode()).isEqualTo("overloaded");
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(row.completionTokens()).isEqualTo(new TokenCounter().count("Hel", "gpt-4"));
    }

    @Test
    void a_non_streamed_answer_cut_off_midway_is_502_upstream_unavailable() throws Exception {
        gateway.upstream().enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "application/json")
                .body(OpenAiReplies.completion("gpt-4", "A long enough answer to be cut in the middle.", 5, 11))
                .onResponseBody(new SocketEffect.CloseSocket())
                .build());

        Reply reply = gateway.send(CHAT);

        assertThat(reply.status()).isEqualTo(502);
        assertThat(ErrorBody.of(reply.body()).code()).isEqualTo("upstream_unavailable");
        assertFailedBeforeAnswer(gateway.onlyRow(), 502, "upstream_unavailable");
    }
}
