package nexus.shared.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetRatingDaoTest {

    @TempDir
    Path dir;

    @Test
    void ratings_last_given_since_a_time_are_read_oldest_first_with_their_target() {
        Database database = Database.open(dir.resolve("nexus.db"));
        FeedbackDao feedback = database.dao(FeedbackDao.class);
        feedback.upsert(new Feedback("req_old", "key:1", 1, null, "[]", null, 1, "gpt-4o", 100, 100));
        feedback.upsert(new Feedback("req_b", "key:1", -1, "meh", "[]", "fast", 2, "deepseek-chat", 300, 300));
        feedback.upsert(new Feedback("req_a", "key:1", 1, null, "[]", null, 1, "gpt-4o", 200, 250));

        assertThat(database.dao(TargetRatingDao.class).since(200)).containsExactly(
                new TargetRating(1, "gpt-4o", 1, 250), new TargetRating(2, "deepseek-chat", -1, 300));
    }
}
