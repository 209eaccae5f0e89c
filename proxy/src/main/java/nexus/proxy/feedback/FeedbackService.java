package nexus.proxy.feedback;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.proxy.routing.Caller;
import nexus.proxy.usage.UsageRecorder;
import nexus.shared.db.Database;
import nexus.shared.db.Feedback;
import nexus.shared.db.FeedbackDao;
import nexus.shared.db.GenerationSource;
import nexus.shared.error.ApiError;

/**
 * Stores a key holder's rating of one of its own generations. A generation is found only through its usage row and
 * only with the key that made it, so an unknown id and another key's read alike (404, same words, as fast). Usage rows
 * are written off the request path, up to about 50 ms after their answer ended: an id whose row is still queued is
 * looked for again once every row queued so far is written (waiting up to {@link #LOOKUP_GRACE}); any other id not
 * found is looked for once more after one round of the writer (at most {@link #STRAGGLER_GRACE}), then a 404.
 * Thread-safe.
 */
public final class FeedbackService {

    /** How long the row of an id not found yet, but queued, is waited for. */
    static final Duration LOOKUP_GRACE = Duration.ofSeconds(1);
    /** How long an id neither found nor queued may take to be queued, for an answer that ended just before its row. */
    static final Duration STRAGGLER_GRACE = Duration.ofMillis(100);

    private final Database database;
    private final FeedbackDao feedback;
    private final UsageRecorder usage;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final RatingListener listener;

    /** {@code listener} is told of each rating once stored. */
    public FeedbackService(Database database, UsageRecorder usage, Clock clock, ObjectMapper mapper,
                           RatingListener listener) {
        this.database = database;
        this.feedback = database.dao(FeedbackDao.class);
        this.usage = usage;
        this.clock = clock;
        this.mapper = mapper;
        this.listener = listener;
    }

    /** A stored rating, and whether it replaced an earlier one of the same generation. */
    public record Rated(Feedback feedback, boolean replaced) {}

    /** Stores the caller's rating of its generation (replacing an earlier one); 404 when the caller made none such. */
    public Rated rate(Caller caller, FeedbackRequest request) {
        String id = request.generationId();
        GenerationSource generation = generation(caller, id)
                .orElseThrow(() -> ApiError.notFound("A generation of this key with the id '" + id + "' was"));
        long now = clock.millis();
        Feedback rating = new Feedback(id, caller.owner(), request.rating(), request.comment(),
                json(request.tags()), generation.route(), generation.providerId(), generation.model(), now, now);
        Stored stored = database.inTransaction(handle -> {
            FeedbackDao inTransaction = handle.attach(FeedbackDao.class);
            Feedback replaced = inTransaction.find(id).orElse(null);
            inTransaction.upsert(rating);
            return new Stored(replaced, inTransaction.find(id).orElseThrow());
        });
        listener.rated(stored.replaced(), stored.rating());
        return new Rated(stored.rating(), stored.replaced() != null);
    }

    private record Stored(Feedback replaced, Feedback rating) {}

    private Optional<GenerationSource> generation(Caller caller, String id) {
        Long keyId = caller.key() == null ? null : caller.key().id();
        boolean queued = usage.isQueued(id, caller.apiKey());  // asked first: a row no longer queued is stored
        Optional<GenerationSource> found = feedback.findGeneration(id, caller.apiKey(), keyId);
        try {
            if (found.isEmpty() && !queued) {
                // some answers end just before their row is queued: one round of the writer lets such a row show
                usage.awaitWritten(STRAGGLER_GRACE);
                queued = usage.isQueued(id, caller.apiKey());
                found = feedback.findGeneration(id, caller.apiKey(), keyId);
            }
            if (found.isEmpty() && queued) {
                usage.awaitWritten(LOOKUP_GRACE);
                found = feedback.findGeneration(id, caller.apiKey(), keyId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();  // stopping: answered as not found
            return Optional.empty();
        }
        return found;
    }

    private String json(List<String> tags) {
        try {
            return mapper.writeValueAsString(tags);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A list of strings could not be written as JSON", e);
        }
    }
}
