package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;

import mockwebserver3.RecordedRequest;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import nexus.proxy.ProxyWithUpstream.Reply;
import nexus.shared.db.ModelType;

/**
 * Every proxy endpoint that forwards the client's JSON reads it strictly, so that what Nexus checks, routes and bills
 * is what the upstream reads: a key twice, content after the object, a byte order mark or another encoding than
 * UTF-8 is a 400 naming the problem, and nothing is forwarded. A body within the size limit is never refused by a
 * limit of the JSON parser.
 */
class StrictJsonTest {

    private static final String MESSAGES = "[{\"role\":\"user\",\"content\":\"Hi\"}]";

    @RegisterExtension
    final ProxyWithUpstream gateway = new ProxyWithUpstream("OpenAI",
            config -> config.withUpstreamTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)));

    @BeforeEach
    void addModels() {
        for (ModelType type : new ModelType[] {ModelType.EMBEDDING, ModelType.RERANK, ModelType.IMAGE,
                ModelType.VIDEO}) {
            gateway.proxy().addModel(gateway.providerId(), "m-" + type.wireName(), type);
        }
        gateway.proxy().addModel(gateway.providerId(), "gpt-4-other", ModelType.CHAT);
    }

    /** A valid body for each path that forwards client JSON, for a model the provider serves. */
    static Stream<Arguments> endpoints() {
        return Stream.of(
                Arguments.of("/v1/chat/completions", "{\"model\":\"gpt-4\",\"messages\":" + MESSAGES + "}"),
                Arguments.of("/v1/messages", "{\"model\":\"gpt-4\",\"max_tokens\":16,\"messages\":" + MESSAGES + "}"),
                Arguments.of("/v1/embeddings", "{\"model\":\"m-embedding\",\"input\":\"hello\"}"),
                Arguments.of("/v1/rerank", "{\"model\":\"m-rerank\",\"query\":\"q\",\"documents\":[\"a\",\"b\"]}"),
                Arguments.of("/v1/images/generations", "{\"model\":\"m-image\",\"prompt\":\"a cat\"}"),
                Arguments.of("/v1/completions", "{\"model\":\"gpt-4\",\"prompt\":\"hello\"}"),
                Arguments.of("/v1/videos", "{\"model\":\"m-video\",\"prompt\":\"a cat\"}"),
                Arguments.of("/api/proxy/video/generate",
                        "{\"model\":\"m-video\",\"content\":[{\"type\":\"text\",\"text\":\"a cat\"}]}"));
    }

    /** Each endpoint with each way a body can mean one thing to Nexus and another to the upstream. */
    static Stream<Arguments> ambiguous_bodies() {
        return endpoints().flatMap(endpoint -> {
            String path = (String) endpoint.get()[0];
            String body = (String) endpoint.get()[1];
            String open = body.substring(0, body.length() - 1);
            return Stream.of(
                    Arguments.of(path, "a second model", utf8(open + ",\"model\":\"gpt-4-other\"}"), "'model'"),
                    Arguments.of(path, "a key twice deeper down", utf8(open.replace("{\"model\"",
                            "{\"user\":{\"id\":1,\"id\":2},\"model\"") + "}"), "'id'"),
                    Arguments.of(path, "a second object after it", utf8(body + "{\"model\":\"gpt-4-other\"}"),
                            "after"),
                    Arguments.of(path, "text after it", utf8(body + " trailing"), "after"),
                    Arguments.of(path, "a byte order mark", utf8("\uFEFF" + body), "byte order mark"),
                    Arguments.of(path, "UTF-16", body.getBytes(StandardCharsets.UTF_16BE), "UTF-8"));
        });
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("ambiguous_bodies")
    void an_ambiguous_body_is_400_naming_the_problem_and_nothing_is_forwarded(String path, String name, byte[] body,
                                                                             String problem) throws Exception {
        Request request = new Request.Builder().url(gateway.proxy().url(path))
                .header("Authorization", "Bearer " + ProxyWithUpstream.KEY)
                .post(RequestBody.create(body, ProxyServer.JSON)).build();

        Reply reply;
        try (Response response = gateway.proxy().execute(request)) {
            reply = Reply.of(response);
        }

        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.body()).contains("invalid_request", problem);
        assertThat(gateway.upstream().getRequestCount()).isZero();
        assertThat(gateway.proxy().usageRowsBeforeABarrier()).isEmpty();
    }

    @Test
    void a_string_longer_than_the_parsers_default_limit_is_forwarded_when_the_body_is_within_the_size_limit()
            throws Exception {
        String content = "x".repeat(20_000_100);  // Jackson refuses strings over 20,000,000 characters by default
        String key = "k".repeat(60_000);  // and names over 50,000
        gateway.upstream().enqueue(OpenAiReplies.json(OpenAiReplies.completion("gpt-4", "ok", 1, 1)));

        Reply reply = gateway.send("{\"model\":\"gpt-4\",\"metadata\":{\"" + key + "\":\"v\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        RecordedRequest sent = gateway.upstreamRequest();
        assertThat(sent.getBody().size()).isGreaterThan(content.length() + key.length());
    }

    @Test
    void a_body_nested_deeper_than_the_parser_allows_is_400_saying_so() throws Exception {
        String nested = "[".repeat(1_500) + "]".repeat(1_500);

        Reply reply = gateway.send("{\"model\":\"gpt-4\",\"messages\":" + MESSAGES + ",\"x\":" + nested + "}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(ErrorBody.of(reply.body()).message()).contains("nest");
        assertThat(gateway.upstream().getRequestCount()).isZero();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
