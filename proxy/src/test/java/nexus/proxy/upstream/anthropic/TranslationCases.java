package nexus.proxy.upstream.anthropic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.shared.json.Json;

/** Test helper: the translation cases under {@code fixtures/anthropic-upstream/<case>/}, one folder per case. */
final class TranslationCases {

    static final ObjectMapper MAPPER = Json.newMapper();
    private static final Path ROOT = root();

    private TranslationCases() {}

    /** The names of the cases whose folder holds {@code file}, sorted. */
    static Stream<String> casesWith(String file) {
        try (Stream<Path> folders = Files.list(ROOT)) {
            return folders.filter(folder -> Files.exists(folder.resolve(file)))
                    .map(folder -> folder.getFileName().toString()).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean has(String name, String file) {
        return Files.exists(ROOT.resolve(name).resolve(file));
    }

    static String text(String name, String file) {
        try {
            return Files.readString(ROOT.resolve(name).resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String name, String file) {
        return parse(text(name, file));
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + json, e);
        }
    }

    /** A tree as a client reads it: written out and parsed back, so numbers compare by value, not by node type. */
    static JsonNode asRead(JsonNode tree) {
        try {
            return MAPPER.readTree(MAPPER.writeValueAsString(tree));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path root() {
        try {
            return Path.of(TranslationCases.class.getResource("/fixtures/anthropic-upstream").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
