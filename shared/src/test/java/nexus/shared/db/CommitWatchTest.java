package nexus.shared.db;

import static org.assertj.core.api.Assertions.assertThat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    /**
     * Closing any descriptor of a file drops every POSIX lock the process holds on it. Were the watch to close its
     * own, SQLite's shared lock on the wal-index would go, and the next process to connect would take the file for
     * its own, truncate it and rebuild it under this process's mapping (a SIGBUS in SQLite, the process gone).
     */
    @Test
    void watching_leaves_the_locks_sqlite_holds_on_the_wal_index_in_place() throws IOException {
        Path locks = Path.of("/proc/locks");
        assumeTrue(Files.isReadable(locks), "needs Linux's /proc/locks");
        Path file = dir.resolve("nexus.db");
        Database database = Database.open(file);
        try (Handle held = database.openHandle()) {
            held.createQuery("PRAGMA data_version").mapTo(Long.class).one();  // maps the wal-index, takes its lock
            long inode = (long) Files.getAttribute(dir.resolve("nexus.db-shm"), "unix:ino");
            List<String> before = locksOf(locks, inode);
            assertThat(before).as("SQLite's locks on the wal-index").isNotEmpty();

            database.commitWatch(held);
            database.commitWatch(held);

            assertThat(locksOf(locks, inode)).isEqualTo(before);
        }
    }

    /** This process's POSIX locks on the file with this inode, as {@code /proc/locks} lists them (ids dropped). */
    private static List<String> locksOf(Path locks, long inode) throws IOException {
        String pid = Long.toString(ProcessHandle.current().pid());
        return Files.readAllLines(locks).stream()
                .map(line -> line.trim().split("\\s+"))
                .filter(fields -> fields.length >= 8 && fields[1].equals("POSIX") && fields[4].equals(pid)
                        && fields[5].endsWith(":" + inode))
                .map(fields -> String.join(" ", List.of(fields).subList(1, fields.length)))
                .toList();
    }

    @Test
    void a_database_without_a_wal_index_is_watched_blind_every_look_reporting_a_change() {
        CommitWatch watch = CommitWatch.of(dir.resolve("absent.db"));

        assertThat(watch.sees()).isFalse();
        assertThat(watch.unchangedSince(watch.look())).isFalse();
    }
}
