package nexus.proxy.upstream.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import nexus.proxy.upstream.UntranslatableRequestException;
import nexus.shared.error.ApiError;

/**
 * Each case's {@code openai-request.json} becomes its {@code anthropic-request.json}, or is refused as its
 * {@code refused.json} says (status 400, the field named, the message).
 */
class AnthropicRequestsTest {

    static Stream<String> cases() {
        return TranslationCases.casesWith("openai-request.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void an_openai_request_becomes_the_anthropic_request_or_a_400_naming_the_field(String name) {
        ObjectNode openAi = (ObjectNode) TranslationCases.json(name, "openai-request.json");
        boolean stream = openAi.path("stream").asBoolean();
        String model = openAi.get("model").asText();

        if (TranslationCases.has(name, "refused.json")) {
            UntranslatableRequestException refused = catchThrowableOfType(UntranslatableRequestException.class,
                    () -> AnthropicRequests.toMessagesRequest(openAi, model, stream, TranslationCases.MAPPER));
            assertThat(refused).as("refused").isNotNull();
            ApiError error = refused.error();
            JsonNode envelope = TranslationCases.MAPPER.valueToTree(error.toEnvelope());
            assertThat(envelope)
                    .isEqualTo(TranslationCases.json(name, "refused.json"));
            assertThat(error.status()).isEqualTo(400);
        } else {
            JsonNode translated = AnthropicRequests.toMessagesRequest(openAi, model, stream, TranslationCases.MAPPER);
            assertThat(TranslationCases.asRead(translated)).isEqualTo(TranslationCases.json(name, "anthropic-request.json"));
        }
    }
}
