package nexus.proxy.upstream.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each case's {@code anthropic-response.json} becomes its {@code openai-response.json}. Anthropic sends no creation
 * time, so the fixtures' {@code created} is the one the test passes in.
 */
class AnthropicResponsesTest {

    static final long CREATED = 1_700_000_000L;

    static Stream<String> cases() {
        return TranslationCases.casesWith("anthropic-response.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void an_anthropic_message_becomes_the_openai_chat_completion(String name) {
        assertThat(AnthropicResponses.isMessage(TranslationCases.json(name, "anthropic-response.json"))).isTrue();

        assertThat(TranslationCases.asRead(AnthropicResponses.toChatCompletion(TranslationCases.json(name, "anthropic-response.json"),
                CREATED, TranslationCases.MAPPER))).isEqualTo(TranslationCases.json(name, "openai-response.json"));
    }
}
