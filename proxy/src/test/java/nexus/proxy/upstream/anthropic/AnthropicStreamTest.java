package nexus.proxy.upstream.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import okio.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import nexus.proxy.upstream.SseReader;

/**
 * Each case's {@code anthropic-stream.txt} (the SSE transcript as Anthropic sends it) becomes the payloads of its
 * {@code openai-chunks.jsonl}, one per line, in order; the stream counts as complete only after {@code message_stop}.
 */
class AnthropicStreamTest {

    static Stream<String> cases() {
        return TranslationCases.casesWith("anthropic-stream.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void an_anthropic_event_stream_becomes_the_openai_chunks(String name) throws IOException {
        String transcript = TranslationCases.text(name, "anthropic-stream.txt");
        AnthropicStream stream = new AnthropicStream(TranslationCases.MAPPER, AnthropicResponsesTest.CREATED);
        SseReader events = new SseReader(new Buffer().writeUtf8(transcript));

        List<JsonNode> chunks = new ArrayList<>();
        for (String data = events.next(); data != null; data = events.next()) {
            stream.translate(data).forEach(chunk -> chunks.add(TranslationCases.parse(chunk)));
        }

        List<JsonNode> expected = TranslationCases.text(name, "openai-chunks.jsonl").lines().map(TranslationCases::parse).toList();
        assertThat(chunks).containsExactlyElementsOf(expected);
        assertThat(stream.stopped()).isEqualTo(transcript.contains("event: message_stop"));
    }
}
