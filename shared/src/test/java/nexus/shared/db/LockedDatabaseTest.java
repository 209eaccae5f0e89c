package nexus.shared.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;

/**
 * What the database's callers see while another connection holds SQLite's write lock: a request's virtual thread (whose
 * work runs on the database's own threads) and a platform thread (whose work runs where it is) alike.
 */
class LockedDatabaseTest {

    @TempDir
    Path dir;

    Database database;
    Handle other;

    @BeforeEach
    void lock() {
        database = Database.open(dir.resolve("nexus.db"), Duration.ofMillis(100));
        database.dao(ProviderDao.class).insert(provider("key-1"));
        other = database.openHandle();
        other.execute("BEGIN IMMEDIATE");
    }

    @AfterEach
    void unlock() {
        other.close();
    }

    @Test
    void a_write_that_cannot_get_the_lock_in_time_fails_as_database_busy() {
        ApiError error = catchThrowableOfType(ApiError.class,
                () -> database.dao(ProviderDao.class).insert(provider("key-2")));

        assertThat(error.code()).isEqualTo(ErrorCode.DATABASE_BUSY.code());
        assertThat(error.status()).isEqualTo(503);
        assertThat(error.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void a_write_asked_for_from_a_virtual_thread_fails_as_database_busy_and_works_once_the_lock_is_gone()
            throws Exception {
        ProviderDao providers = database.dao(ProviderDao.class);

        Throwable refused = onVirtualThread(() -> providers.insert(provider("key-2")));
        other.execute("COMMIT");
        Throwable accepted = onVirtualThread(() -> providers.insert(provider("key-3")));

        assertThat(refused).isInstanceOfSatisfying(ApiError.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.DATABASE_BUSY.code()));
        assertThat(accepted).isNull();
        assertThat(providers.listAll()).extracting(Provider::personalizedKey).containsExactly("key-1", "key-3");
    }

    /** What {@code work} threw when run on a virtual thread, as a request runs it; null when it threw nothing. */
    private static Throwable onVirtualThread(Runnable work) throws Exception {
        try (ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor()) {
            return virtualThreads.submit(() -> catchThrowable(work::run)).get();
        }
    }

    private static NewProvider provider(String key) {
        return new NewProvider("OpenAI", ProviderKind.OPENAI, "https://api.openai.com/v1", "sk-secret-123456", key,
                "desc", true, 1_000L, "");
    }
}
