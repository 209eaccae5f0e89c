package nexus.shared.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitWatchTest {

    @TempDir
    Path dir;

    @Test
    void a_commit_on_another_connection_is_seen_and_reads_are_not() {
        Path file = dir.resolve("nexus.db");
        Database database = Database.open(file);
        try (Handle held = database.openHandle()) {
            CommitWatch watch = database.commitWatch(held);
            assertThat(watch.sees()).isTrue();
            long[] seen = watch.look();
            assertThat(watch.unchangedSince(seen)).isTrue();

            database.dao(ProviderDao.class).listAll();
            assertThat(watch.unchangedSince(seen)).as("a read commits nothing").isTrue();

            // Another connection of its own, as the admin process has.
            try (Handle other = Jdbi.create("jdbc:sqlite:" + file).open()) {
                other.execute("UPDATE config_version SET version = version + 1");
            }
            assertThat(watch.unchangedSince(seen)).as("after a commit elsewhere").isFalse();

            long[] again = watch.look();
            assertThat(watch.unchangedSince(again)).isTrue();
            database.dao(ProviderDao.class).insert(new NewProvider("OpenAI", ProviderKind.OPENAI,
                    "https://api.openai.com/v1", "sk-secret-123456", "key-1", "", true, 1_000L, ""));
            assertThat(watch.unchangedSince(again)).as("after a commit in this process").isFalse();
        }
    }

    @Test
    void a_database_without_a_wal_index_is_watched_blind_every_look_reporting_a_change() {
        CommitWatch watch = CommitWatch.of(dir.resolve("absent.db"));

        assertThat(watch.sees()).isFalse();
        assertThat(watch.unchangedSince(watch.look())).isFalse();
    }
}
