package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.config.NexusConfig;

/**
 * The admin on a JVM with one carrier thread for its virtual threads (this class runs in a Surefire execution of its
 * own, see the pom): SQLite's wait for a lock is a native call, which holds its carrier, so a write waiting there
 * must not hold the one carrier every other request needs.
 */
class OneCarrierTest {

    @TempDir
    Path dir;

    @Test
    void reads_are_answered_while_a_write_waits_for_the_lock_another_connection_holds() throws Exception {
        NexusConfig config = NexusConfig.forTests(dir);
        ExecutorService client = Executors.newSingleThreadExecutor();
        try (AdminServer admin = AdminServer.start(config);
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + config.databaseFile());
             Statement lock = other.createStatement()) {
            lock.execute("BEGIN IMMEDIATE");
            CompletableFuture<AdminServer.Reply> write = CompletableFuture.supplyAsync(() -> admin.post("/providers",
                    "{\"name\":\"Mock\",\"kind\":\"mock\",\"personalized_key\":\"k1\"}"), client);

            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            int reads = 0;
            while (System.nanoTime() < until) {  // a second of reads while the write waits (the busy timeout is 5 s)
                admin.get("/providers").expect(200);
                reads++;
            }
            boolean writeWasWaiting = !write.isDone();
            lock.execute("COMMIT");

            assertThat(reads).isPositive();
            assertThat(writeWasWaiting).as("the write still waited for the lock after a second of reads").isTrue();
            assertThat(write.get(10, TimeUnit.SECONDS).expect(201).path("name").asText()).isEqualTo("Mock");
        } finally {
            client.shutdownNow();
        }
    }
}
