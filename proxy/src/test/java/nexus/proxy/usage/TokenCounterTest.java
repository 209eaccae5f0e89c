package nexus.proxy.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Test;

/** A prompt costs OpenAI's chat formatting over the tokens of its parts, in the encoding of its model's generation. */
class TokenCounterTest {

    private static final Encoding CL100K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    private static final Encoding O200K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    /** Text the two encodings cut differently, so a count tells which one was used. */
    private static final String TEXT = "Grüße aus München: 東京の天気は？ Let's tokenize this sentence, shall we?";

    private final TokenCounter counter = new TokenCounter();
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void every_role_known_or_not_costs_its_tokens_plus_the_formatting() throws Exception {
        JsonNode messages = mapper.readTree("""
                [{"role":"system","content":"s"},{"role":"developer","content":"d"},{"role":"user","content":"u"},
                 {"role":"assistant","content":"a"},{"role":"tool","content":"t"},{"role":"critic","content":"c"}]""");
        int expected = 3;
        for (JsonNode message : messages) {
            expected += 3 + CL100K.countTokensOrdinary(message.get("role").asText())
                    + CL100K.countTokensOrdinary(message.get("content").asText());
        }

        assertThat(counter.countPrompt(messages, "deepseek-chat")).isEqualTo(expected);
        assertThat(counter.countPrompt(messages, "deepseek-chat")).as("counted again, from what was kept").isEqualTo(expected);
    }

    @Test
    void the_gpt_4o_generation_is_counted_in_o200k_whatever_the_case_of_its_name() throws Exception {
        assertThat(CL100K.countTokensOrdinary(TEXT)).isNotEqualTo(O200K.countTokensOrdinary(TEXT));
        JsonNode messages = mapper.readTree("[{\"role\":\"user\",\"content\":" + mapper.writeValueAsString(TEXT) + "}]");

        assertThat(counter.count(TEXT, "GPT-4o-mini")).isEqualTo(O200K.countTokensOrdinary(TEXT));
        assertThat(counter.count(TEXT, "o3-mini")).isEqualTo(O200K.countTokensOrdinary(TEXT));
        assertThat(counter.count(TEXT, "gpt-4-turbo")).isEqualTo(CL100K.countTokensOrdinary(TEXT));
        assertThat(counter.count(TEXT, null)).isEqualTo(CL100K.countTokensOrdinary(TEXT));
        assertThat(counter.countPrompt(messages, "gpt-5")).isEqualTo(3 + 3 + O200K.countTokensOrdinary("user")
                + O200K.countTokensOrdinary(TEXT));
    }
}
