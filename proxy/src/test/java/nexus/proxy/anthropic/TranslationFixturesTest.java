package nexus.proxy.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import nexus.proxy.chat.StreamAccounting;
import nexus.proxy.upstream.UpstreamFailures;
import nexus.proxy.usage.TokenUsage;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderKind;
import nexus.shared.json.Json;

/**
 * Walks {@code fixtures/anthropic-inbound/<case>/}, written from the public API references, and checks each
 * translation a case has files for: anthropic-request.json → openai-request.json, openai-response.json →
 * anthropic-response.json, openai-chunks.jsonl → anthropic-stream.txt, openai-errors.jsonl → anthropic-errors.jsonl.
 * JSON is compared as trees, whole: ids are copied from the upstream, never generated, and Anthropic's messages carry
 * no timestamps, so nothing needs ignoring; the generated fallbacks (message id, model) are fixed below.
 */
class TranslationFixturesTest {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final String FALLBACK_ID = "msg_fixture";
    private static final String FALLBACK_MODEL = "fixture-model";
    private static final Provider PROVIDER = new Provider(1, "Fixture", ProviderKind.OPENAI, "http://127.0.0.1:9/v1",
            "sk-fixture-secret", "client-key", "", true, 0, "");

    @TestFactory
    Stream<DynamicTest> every_fixture_case_translates_as_written() throws IOException, URISyntaxException {
        Path root = Path.of(TranslationFixturesTest.class.getResource("/fixtures/anthropic-inbound").toURI());
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> cases = Files.list(root)) {
            for (Path dir : cases.sorted().toList()) {
                String name = dir.getFileName().toString();
                if (Files.exists(dir.resolve("openai-request.json"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": request", () -> request(dir)));
                }
                if (Files.exists(dir.resolve("anthropic-response.json"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": response", () -> response(dir)));
                }
                if (Files.exists(dir.resolve("anthropic-stream.txt"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": stream", () -> stream(dir)));
                }
                if (Files.exists(dir.resolve("anthropic-errors.jsonl"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": errors", () -> errors(dir)));
                }
            }
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(20);
        return tests.stream();
    }

    private static void request(Path dir) throws IOException {
        MessagesRequest request = MessagesRequest.parse(Files.readAllBytes(dir.resolve("anthropic-request.json")),
                MAPPER);

        assertSameJson(MessagesToChat.translate(request, MAPPER), read(dir.resolve("openai-request.json")));
    }

    private static void response(Path dir) throws IOException {
        JsonNode completion = read(dir.resolve("openai-response.json"));

        ObjectNode message = ChatToMessage.translate(completion, TokenUsage.reported(completion.get("usage")),
                FALLBACK_ID, FALLBACK_MODEL, stopSequences(dir), MAPPER);

        assertSameJson(message, read(dir.resolve("anthropic-response.json")));
    }

    /** Feeds the chunks as ChatService does: StreamAccounting decides what reaches the sink and what it cost. */
    private static void stream(Path dir) throws IOException {
        ChunksToEvents translator = new ChunksToEvents(MAPPER, FALLBACK_ID, FALLBACK_MODEL, stopSequences(dir));
        StreamAccounting accounting = new StreamAccounting(MAPPER, false);
        List<ChunksToEvents.Event> events = new ArrayList<>();
        boolean broken = false;
        for (String chunk : Files.readAllLines(dir.resolve("openai-chunks.jsonl"))) {
            switch (accounting.inspect(chunk)) {
                case FORWARD, USAGE -> events.addAll(translator.chunk(chunk));
                case HIDE -> { }
                case ERROR -> {
                    events.add(translator.error(UpstreamFailures.inStream(PROVIDER, chunk, MAPPER)));
                    broken = true;
                }
            }
            if (broken) {
                break;
            }
        }
        if (!broken) {
            events.addAll(translator.finish(accounting.reported()));
        }

        List<String> expected = new ArrayList<>();
        for (String block : Files.readString(dir.resolve("anthropic-stream.txt")).split("\n\n")) {
            if (!block.isBlank()) {
                expected.add(block.strip());
            }
        }
        assertThat(events).hasSameSizeAs(expected);
        for (int index = 0; index < events.size(); index++) {
            List<String> lines = expected.get(index).lines().toList();
            assertThat(lines).hasSize(2);
            assertThat("event: " + events.get(index).name()).as("event %d", index).isEqualTo(lines.get(0));
            assertSameJson(events.get(index).data(), MAPPER.readTree(lines.get(1).substring("data: ".length())));
        }
    }

    /** An upstream HTTP error as the Anthropic client sees it: status and body. */
    private static void errors(Path dir) throws IOException {
        List<String> upstream = Files.readAllLines(dir.resolve("openai-errors.jsonl"));
        List<String> expected = Files.readAllLines(dir.resolve("anthropic-errors.jsonl"));
        assertThat(upstream).hasSameSizeAs(expected);
        for (int index = 0; index < upstream.size(); index++) {
            JsonNode line = MAPPER.readTree(upstream.get(index));
            JsonNode body = line.get("body");
            var error = UpstreamFailures.status(PROVIDER, line.get("status").asInt(),
                    body.isTextual() ? body.asText() : body.toString(), MAPPER);
            JsonNode want = MAPPER.readTree(expected.get(index));

            assertThat(error.status()).as("status of line %d", index).isEqualTo(want.get("status").asInt());
            assertSameJson(MAPPER.valueToTree(AnthropicErrors.envelope(error)), want.get("body"));
        }
    }

    private static List<String> stopSequences(Path dir) throws IOException {
        Path request = dir.resolve("anthropic-request.json");
        return Files.exists(request) ? MessagesRequest.parse(Files.readAllBytes(request), MAPPER).stopSequences()
                : List.of();
    }

    private static JsonNode read(Path file) throws IOException {
        return MAPPER.readTree(file.toFile());
    }

    /** Equal as JSON: written and read back, so a long and an int of the same value compare equal. */
    private static void assertSameJson(JsonNode actual, JsonNode expected) throws IOException {
        JsonNode normalised = MAPPER.readTree(MAPPER.writeValueAsString(actual));
        assertThat(normalised).as("%s%nexpected%n%s", normalised.toPrettyString(), expected.toPrettyString())
                .isEqualTo(expected);
    }
}
