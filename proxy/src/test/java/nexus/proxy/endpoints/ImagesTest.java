package nexus.proxy.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import nexus.proxy.ErrorBody;
import nexus.proxy.Fixtures;
import nexus.proxy.OpenAiReplies;
import nexus.proxy.ProxyWithUpstream;
import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.shared.db.ModelType;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** {@code POST /v1/images/generations}: relayed as it came; the row counts the images and their tokens. */
class ImagesTest {

    private static final String MODEL = "gpt-image-1";
    private static final String REQUEST = "{\"model\":\"" + MODEL + "\",\"prompt\":\"A lighthouse at dawn\",\"n\":2,"
            + "\"size\":\"1024x1024\",\"quality\":\"low\"}";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream();

    @BeforeEach
    void addModel() {
        gateway.proxy().addModel(gateway.providerId(), MODEL, ModelType.IMAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/images/generations", "/images/generations", "/api/proxy/images/generate"})
    void reported_tokens_and_the_number_of_images_are_recorded(String path) throws Exception {
        String answer = Fixtures.read("images/gpt-image-1-b64.json");
        gateway.upstream().enqueue(OpenAiReplies.json(answer));

        Reply reply = gateway.post(path, REQUEST);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo(answer);
        var sent = gateway.upstream().takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/images/generations");
        assertThat(sent.getBody().utf8()).isEqualTo(REQUEST);
        Usage row = gateway.onlyRow();
        assertThat(row.endpoint()).isEqualTo("images.generations");
        assertThat(row.images()).isEqualTo(2);
        assertThat(row.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(row.promptTokens()).isEqualTo(50);
        assertThat(row.completionTokens()).isEqualTo(544);
        assertThat(row.totalTokens()).isEqualTo(594);
    }

    @Test
    void an_answer_without_usage_has_its_prompt_estimated() throws Exception {
        gateway.upstream().enqueue(OpenAiReplies.json(Fixtures.read("images/dall-e-3-url.json")));

        Reply reply = gateway.post("/v1/images/generations",
                "{\"model\":\"" + MODEL + "\",\"prompt\":\"A lighthouse at dawn\",\"response_format\":\"url\"}");

        assertThat(reply.status()).isEqualTo(200);
        Usage row = gateway.onlyRow();
        assertThat(row.images()).isEqualTo(1);
        assertThat(row.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(row.promptTokens()).isEqualTo(5);
        assertThat(row.completionTokens()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no prompt            | {\"model\":\"gpt-image-1\"}                                              | prompt",
            "empty prompt         | {\"model\":\"gpt-image-1\",\"prompt\":\"  \"}                            | prompt",
            "prompt not a string  | {\"model\":\"gpt-image-1\",\"prompt\":[\"a\"]}                           | prompt",
            "n of 11              | {\"model\":\"gpt-image-1\",\"prompt\":\"a\",\"n\":11}                    | n",
            "n of 0               | {\"model\":\"gpt-image-1\",\"prompt\":\"a\",\"n\":0}                     | n",
            "size not a string    | {\"model\":\"gpt-image-1\",\"prompt\":\"a\",\"size\":1024}               | size",
            "bad response_format  | {\"model\":\"gpt-image-1\",\"prompt\":\"a\",\"response_format\":\"png\"} | response_format",
            "a chat model         | {\"model\":\"gpt-4\",\"prompt\":\"a\"}                                   | model"})
    void bad_input_is_a_400_naming_the_field_and_records_nothing(String name, String body, String param)
            throws Exception {
        Reply reply = gateway.post("/v1/images/generations", body);

        gateway.assertRefusedUntouched(reply, param);
    }
}
