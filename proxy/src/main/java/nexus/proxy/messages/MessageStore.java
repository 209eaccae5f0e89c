package nexus.proxy.messages;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.usage.RecordedCall;
import nexus.shared.db.Conversation;
import nexus.shared.db.ConversationDao;
import nexus.shared.db.Conversations;

/**
 * Transcribes answered chat calls into their conversations, off the request path: {@link #store} only queues; one
 * writer thread appends what each turn adds ({@link TurnDrafts}), a batch in one transaction. A call goes in when
 * message storage is on (its conversation made when absent) or when the client named a conversation, which then must
 * exist and be the caller's own. A failed call adds nothing. At start the writer first takes in the files the older
 * {@code messages/*.jsonl} storage left ({@link LegacyFiles}). Thread-safe.
 */
public final class MessageStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MessageStore.class);
    private static final Turn STOP = new Turn("", "", "", "", null, null, false);
    private static final int WRITE_ATTEMPTS = 3;

    private final Conversations store;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final boolean storeAll;
    private final LegacyFiles legacy;
    private final BlockingQueue<Turn> queue = new LinkedBlockingQueue<>();
    private final Thread writer;

    /**
     * @param storeAll true when every answered call is kept ({@code NEXUS_STORE_MESSAGES}), not only those naming a
     *                 conversation that exists
     */
    public MessageStore(Conversations store, ObjectMapper mapper, Clock clock, boolean storeAll, LegacyFiles legacy) {
        this.store = store;
        this.mapper = mapper;
        this.clock = clock;
        this.storeAll = storeAll;
        this.legacy = legacy;
        this.writer = Thread.ofPlatform().name("message-writer").daemon(true).start(this::writeLoop);
    }

    /** True when this call's answer is to be transcribed; asks nothing of the database. */
    public boolean wants(RecordedCall call) {
        return storeAll || call.conversationNamed();
    }

    /**
     * Queues one answered exchange, never blocking on the disk: the call, the request's messages and the answer. A
     * call that failed is not stored, so it is not passed here.
     */
    public void store(RecordedCall call, JsonNode messages, JsonNode answer) {
        if (wants(call)) {
            queue.add(new Turn(call.conversationId(), call.owner(), call.requestId(), call.target().model(), messages,
                    answer, storeAll));
        }
    }

    private void writeLoop() {
        try {
            legacy.importAll(this::write);
            List<Turn> batch = new ArrayList<>();
            boolean stop = false;
            while (!stop) {
                batch.add(queue.take());
                queue.drainTo(batch);
                stop = batch.remove(STOP);
                if (!batch.isEmpty()) {
                    write(batch);
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Appends the turns in one transaction, tried again when it fails; true once they are committed. */
    boolean write(List<Turn> turns) {
        for (int attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
            try {
                store.inTransaction(dao -> {
                    turns.forEach(turn -> append(dao, turn));
                    return null;
                });
                return true;
            } catch (RuntimeException e) {
                log.warn("Writing {} chat turns to their conversations failed (attempt {}): {}", turns.size(), attempt,
                        e.getMessage());
            }
        }
        log.error("Lost {} chat turns after {} attempts to write them", turns.size(), WRITE_ATTEMPTS);
        return false;
    }

    private void append(ConversationDao dao, Turn turn) {
        long now = clock.millis();
        Conversation conversation = dao.findById(turn.conversationId()).orElse(null);
        if (conversation == null) {
            if (!turn.createsConversation()) {
                return;  // named by the client, but never created: nothing to add to
            }
            conversation = new Conversation(turn.conversationId(), turn.owner(), null, "{}", 0, 0, now, now);
            dao.insert(conversation);
        } else if (!conversation.owner().equals(turn.owner())) {
            log.debug("Request {} named conversation {} of another owner; not transcribed", turn.requestId(),
                    turn.conversationId());
            return;
        }
        var drafts = TurnDrafts.of(turn, dao.listAfterLastAssistant(turn.conversationId()), mapper);
        Conversations.append(dao, conversation, drafts, now);
    }

    /** Writes what is queued, then stops; waits at most {@code timeout}. */
    public void close(Duration timeout) {
        if (!writer.isAlive()) {
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
