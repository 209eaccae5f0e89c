package nexus.proxy.messages;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.usage.RecordedCall;
import nexus.shared.error.ApiError;

/**
 * Appends each exchange (the request's messages and the full response) as one JSON line to
 * {@code <messages dir>/<conversation id>.jsonl}, on its own writer thread. Disabled, it does nothing.
 * Conversation ids are validated before they get here, so they are safe file names. Thread-safe.
 */
public final class MessageStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MessageStore.class);
    private static final Entry STOP = new Entry("", null);

    private final Path directory;
    private final ObjectMapper mapper;
    private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    private final Thread writer;

    private record Entry(String conversationId, ObjectNode line) {}

    private MessageStore(Path directory, ObjectMapper mapper) {
        this.directory = directory;
        this.mapper = mapper;
        this.writer = directory == null ? null
                : Thread.ofPlatform().name("message-writer").daemon(true).start(this::writeLoop);
    }

    public static MessageStore disabled() {
        return new MessageStore(null, null);
    }

    public static MessageStore writingTo(Path directory, ObjectMapper mapper) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the messages folder " + directory, e);
        }
        return new MessageStore(directory, mapper);
    }

    public boolean enabled() {
        return directory != null;
    }

    /**
     * Queues one exchange for its conversation's file, never blocking on the disk: the call, whether it streamed, the
     * status it ended with, the request's messages, the answer (null when there was none) and the error the client
     * saw (null when none).
     */
    public void store(RecordedCall call, boolean stream, int status, JsonNode messages, JsonNode response,
                      ApiError error) {
        if (directory == null) {
            return;
        }
        ObjectNode line = mapper.createObjectNode();
        line.put("request_id", call.requestId());
        line.put("conversation_id", call.conversationId());
        line.put("time", Instant.ofEpochMilli(call.startMillis()).toString());
        line.put("provider", call.target().provider().name());
        line.put("model", call.target().model());
        line.put("stream", stream);
        line.put("status", status);
        line.set("messages", messages);
        line.set("response", response);
        if (error != null) {
            line.set("error", mapper.valueToTree(error.toEnvelope().error()));
        }
        queue.add(new Entry(call.conversationId(), line));
    }

    private void writeLoop() {
        while (true) {
            Entry entry;
            try {
                entry = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (entry == STOP) {
                return;
            }
            Path file = directory.resolve(entry.conversationId() + ".jsonl");
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                out.write(mapper.writeValueAsBytes(entry.line()));
                out.write('\n');
            } catch (IOException e) {
                log.error("Could not append to {}: {}", file, e.getMessage());
            }
        }
    }

    /** Writes what is queued, then stops; waits at most {@code timeout}. */
    public void close(Duration timeout) {
        if (writer == null || !writer.isAlive()) {
            return;
        }
        queue.add(STOP);
        try {
            writer.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
