package nexus.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.admin.AdminServer.Failure;
import nexus.shared.config.NexusConfig;

/** The admin while another connection (the proxy writing usage, say) holds SQLite's write lock. */
class LockedDatabaseApiTest {

    private static final String PROVIDER = "{\"name\":\"Mock\",\"kind\":\"mock\",\"personalized_key\":\"k1\"}";

    @TempDir
    Path dir;

    AdminServer admin;
    Connection other;
    Statement lock;

    @BeforeEach
    void start() throws SQLException {
        NexusConfig config = NexusConfig.forTests(dir);
        admin = AdminServer.start(config, Duration.ofMillis(200));
        other = DriverManager.getConnection("jdbc:sqlite:" + config.databaseFile());
        lock = other.createStatement();
    }

    @AfterEach
    void stop() throws SQLException {
        admin.close();
        other.close();
    }

    @Test
    void a_change_that_cannot_get_the_lock_in_time_is_a_503_to_retry_and_the_retry_works() throws SQLException {
        lock.execute("BEGIN IMMEDIATE");
        AdminServer.Reply refused = admin.post("/providers", PROVIDER);
        lock.execute("COMMIT");

        assertThat(refused.failure()).isEqualTo(new Failure(503, "server_error", "database_busy", null));
        assertThat(refused.retryAfter()).isEqualTo("1");
        assertThat(admin.providerRows()).isEmpty();
        assertThat(admin.post("/providers", PROVIDER).expect(201).path("name").asText()).isEqualTo("Mock");
    }

    @Test
    void stats_are_read_while_another_connection_holds_the_write_lock() throws SQLException {
        lock.execute("BEGIN IMMEDIATE");
        AdminServer.Reply stats = admin.get("/stats/total");
        lock.execute("COMMIT");

        assertThat(stats.expect(200).path("total_requests").asLong()).isZero();
    }
}
