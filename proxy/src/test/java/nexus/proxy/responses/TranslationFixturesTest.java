package nexus.proxy.responses;

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
 * Walks {@code fixtures/responses-translation/<case>/}, written from the public API references, and checks each
 * translation a case has files for: responses-request.json → chat-request.json, chat-response.json →
 * responses-response.json, chat-chunks.jsonl → responses-stream.txt. JSON is compared as trees, whole; the response id
 * and its time, which Nexus makes, are fixed below.
 */
class TranslationFixturesTest {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final String RESPONSE_ID = "resp_fixture";
    private static final long CREATED_AT = 1741476542;
    private static final String DEFAULT_REQUEST = "{\"model\":\"gpt-4.1\",\"input\":\"Hi\"}";
    private static final Provider PROVIDER = new Provider(1, "Fixture", ProviderKind.OPENAI, "http://127.0.0.1:9/v1",
            "sk-fixture-secret", "client-key", "", true, 0, "");

    @TestFactory
    Stream<DynamicTest> every_fixture_case_translates_as_written() throws IOException, URISyntaxException {
        Path root = Path.of(TranslationFixturesTest.class.getResource("/fixtures/responses-translation").toURI());
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> cases = Files.list(root)) {
            for (Path dir : cases.sorted().toList()) {
                String name = dir.getFileName().toString();
                if (Files.exists(dir.resolve("chat-request.json"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": request", () -> request(dir)));
                }
                if (Files.exists(dir.resolve("responses-response.json"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": response", () -> response(dir)));
                }
                if (Files.exists(dir.resolve("responses-stream.txt"))) {
                    tests.add(DynamicTest.dynamicTest(name + ": stream", () -> stream(dir)));
                }
            }
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(16);
        return tests.stream();
    }

    private static void request(Path dir) throws IOException {
        assertSameJson(ResponsesToChat.translate(clientRequest(dir), MAPPER.createArrayNode(), ProviderKind.OPENAI, MAPPER),
                read(dir.resolve("chat-request.json")));
    }

    private static void response(Path dir) throws IOException {
        JsonNode completion = read(dir.resolve("chat-response.json"));

        ObjectNode response = ChatToResponse.translate(completion, TokenUsage.reported(completion.get("usage")),
                started(dir), MAPPER);

        assertSameJson(response, read(dir.resolve("responses-response.json")));
    }

    /** Feeds the chunks as ChatService does: StreamAccounting decides what reaches the sink and what it cost. */
    private static void stream(Path dir) throws IOException {
        ChunksToEvents translator = new ChunksToEvents(MAPPER, started(dir));
        StreamAccounting accounting = new StreamAccounting(MAPPER, true);
        List<ChunksToEvents.Event> events = new ArrayList<>(translator.start());
        boolean broken = false;
        for (String chunk : Files.readAllLines(dir.resolve("chat-chunks.jsonl"))) {
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
        for (String block : Files.readString(dir.resolve("responses-stream.txt")).split("\n\n")) {
            if (!block.isBlank()) {
                expected.add(block.strip());
            }
        }
        assertThat(events).hasSameSizeAs(expected);
        for (int index = 0; index < events.size(); index++) {
            List<String> lines = expected.get(index).lines().toList();
            assertThat(lines).hasSize(2);
            assertThat("event: " + events.get(index).type()).as("event %d", index).isEqualTo(lines.get(0));
            assertSameJson(events.get(index).data(), MAPPER.readTree(lines.get(1).substring("data: ".length())));
        }
    }

    private static ObjectNode started(Path dir) throws IOException {
        ResponsesRequest request = clientRequest(dir);
        return ResponseObjects.started(request, RESPONSE_ID, CREATED_AT, request.model(), MAPPER);
    }

    private static ResponsesRequest clientRequest(Path dir) throws IOException {
        Path file = dir.resolve("responses-request.json");
        byte[] body = Files.exists(file) ? Files.readAllBytes(file) : DEFAULT_REQUEST.getBytes();
        return ResponsesRequest.parse(body, MAPPER);
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
