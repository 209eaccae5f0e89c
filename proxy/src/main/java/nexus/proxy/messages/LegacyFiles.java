package nexus.proxy.messages;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.routing.Caller;
import nexus.shared.db.Database;
import nexus.shared.db.UsageDao;

/**
 * The files the older message storage wrote, {@code <messages dir>/<conversation id>.jsonl} (one line per exchange),
 * taken into the conversation store once: each answered exchange becomes a turn of its conversation, owned by the
 * personalized key its usage row names ({@code unknown} when none does), and the file is deleted once its turns are
 * committed, so a conversation deleted later leaves nothing behind. Thread-safe.
 */
public final class LegacyFiles {

    /** The owner of an imported conversation whose key is no longer known: only the admin sees it. */
    static final String UNKNOWN_OWNER = "unknown";
    private static final Logger log = LoggerFactory.getLogger(LegacyFiles.class);

    private final Path directory;
    private final Database database;
    private final ObjectMapper mapper;

    /** @param directory the messages folder; null or absent when there is nothing to take in */
    public LegacyFiles(Path directory, Database database, ObjectMapper mapper) {
        this.directory = directory;
        this.database = database;
        this.mapper = mapper;
    }

    /** Hands each file's turns to {@code write}, and deletes the file when they were committed. */
    void importAll(Predicate<List<Turn>> write) {
        if (directory == null || !Files.isDirectory(directory)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.jsonl")) {
            for (Path file : files) {
                List<Turn> turns = turns(file);
                if (write.test(turns)) {
                    Files.delete(file);
                    log.info("Took {} exchanges of {} into the conversation store", turns.size(), file.getFileName());
                }
            }
        } catch (IOException | RuntimeException e) {
            log.error("Could not take the message files of {} into the conversation store: {}", directory,
                    e.getMessage());
        }
    }

    private List<Turn> turns(Path file) throws IOException {
        String name = file.getFileName().toString();
        String conversationId = name.substring(0, name.length() - ".jsonl".length());
        List<Turn> turns = new ArrayList<>();
        UsageDao usage = database.dao(UsageDao.class);
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || !line.endsWith("}")) {
                continue;  // a line cut short by a crash
            }
            JsonNode exchange = mapper.readTree(line);
            if (exchange.path("status").asInt() != 200 || !exchange.path("response").isObject()) {
                continue;
            }
            String requestId = exchange.path("request_id").asText();
            String owner = usage.findApiKey(requestId).map(Caller::personalOwner).orElse(UNKNOWN_OWNER);
            turns.add(new Turn(conversationId, owner, requestId, exchange.path("model").asText(null),
                    exchange.get("messages"), exchange.get("response"), true));
        }
        return turns;
    }
}
