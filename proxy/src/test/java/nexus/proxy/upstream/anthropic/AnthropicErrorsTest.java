package nexus.proxy.upstream.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import nexus.shared.db.Provider;
import nexus.shared.db.ProviderKind;
import nexus.shared.error.ApiError;

/**
 * Each case's {@code anthropic-error.http} (status line, headers, body as Anthropic answers) becomes the status and
 * OpenAI error body of its {@code openai-error.json}.
 */
class AnthropicErrorsTest {

    private static final Provider PROVIDER = new Provider(1, "Anthropic", ProviderKind.ANTHROPIC,
            "https://api.anthropic.com/v1", "sk-ant-api03-secret", "client-key", "", true, 0, "");

    static Stream<String> cases() {
        return TranslationCases.casesWith("anthropic-error.http");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void an_anthropic_error_answer_becomes_the_openai_error_and_status(String name) {
        String answer = TranslationCases.text(name, "anthropic-error.http");
        int status = Integer.parseInt(answer.lines().findFirst().orElseThrow().split(" ")[1]);
        String body = answer.substring(answer.indexOf("\n\n") + 2).strip();

        ApiError error = AnthropicErrors.fromStatus(PROVIDER, status, body, TranslationCases.MAPPER);

        JsonNode expected = TranslationCases.json(name, "openai-error.json");
        assertThat(error.status()).isEqualTo(expected.get("status").asInt());
        JsonNode envelope = TranslationCases.MAPPER.valueToTree(error.toEnvelope());
        assertThat(envelope).isEqualTo(expected.get("body"));
    }
}
