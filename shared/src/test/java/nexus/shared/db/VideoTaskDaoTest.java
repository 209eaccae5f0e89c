package nexus.shared.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoTaskDaoTest {

    @TempDir
    Path dir;

    private static final VideoTask TASK = new VideoTask("video_abc", "video_upstream_1", 7, "key-1", "sora-2", 1_000L);

    @Test
    void a_task_is_found_by_its_id_with_the_key_that_created_it() {
        VideoTaskDao tasks = Database.open(dir.resolve("nexus.db")).dao(VideoTaskDao.class);
        tasks.insert(TASK);

        assertThat(tasks.findOwned("video_abc", "key-1")).contains(TASK);
    }

    @Test
    void another_key_or_an_unknown_id_finds_nothing() {
        VideoTaskDao tasks = Database.open(dir.resolve("nexus.db")).dao(VideoTaskDao.class);
        tasks.insert(TASK);

        assertThat(tasks.findOwned("video_abc", "key-2")).isEmpty();
        assertThat(tasks.findOwned("video_other", "key-1")).isEmpty();
    }

    @Test
    void a_task_outlives_its_provider() {
        Database database = Database.open(dir.resolve("nexus.db"));
        long providerId = database.dao(ProviderDao.class).insert(new NewProvider("OpenAI", ProviderKind.OPENAI,
                "https://api.openai.com/v1", "sk-secret-123456", "key-1", "", true, 1L, ""));
        VideoTask task = new VideoTask("video_abc", "video_upstream_1", providerId, "key-1", "sora-2", 1L);
        database.dao(VideoTaskDao.class).insert(task);

        database.dao(ProviderDao.class).deleteById(providerId);

        assertThat(database.dao(VideoTaskDao.class).findOwned("video_abc", "key-1")).contains(task);
    }

    @Test
    void an_id_is_stored_once() {
        VideoTaskDao tasks = Database.open(dir.resolve("nexus.db")).dao(VideoTaskDao.class);
        tasks.insert(TASK);

        assertThatThrownBy(() -> tasks.insert(TASK)).isInstanceOf(UnableToExecuteStatementException.class);
    }
}
