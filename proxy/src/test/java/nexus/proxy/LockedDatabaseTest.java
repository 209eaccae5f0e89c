package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.config.NexusConfig;
import nexus.shared.db.ModelType;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.Usage;

/** The proxy while another connection (the admin in the middle of a change, say) holds SQLite's write lock. */
class LockedDatabaseTest {

    private static final String KEY = "mock-key";

    @TempDir
    Path dir;

    ProxyServer proxy;
    Connection other;
    Statement lock;
    long providerId;

    @BeforeEach
    void start() throws SQLException {
        NexusConfig config = NexusConfig.forTests(dir);
        proxy = ProxyServer.start(config, Duration.ofMillis(200));
        providerId = proxy.addProvider("Mock", ProviderKind.MOCK, "mock://local?delay_ms=0", KEY, "echo-1");
        other = DriverManager.getConnection("jdbc:sqlite:" + config.databaseFile());
        lock = other.createStatement();
    }

    @AfterEach
    void stop() throws SQLException {
        proxy.close();
        other.close();
    }

    private Response chat(String model) throws Exception {
        return proxy.execute(proxy.post("/v1/chat/completions", KEY,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));
    }

    @Test
    void a_model_added_just_before_another_connection_took_the_write_lock_is_served() throws Exception {
        try (Response first = chat("echo-1")) {
            assertThat(first.code()).isEqualTo(200);
        }
        proxy.addModel(providerId, "echo-2", ModelType.CHAT);

        lock.execute("BEGIN IMMEDIATE");
        int status;
        try (Response reloaded = chat("echo-2")) {
            status = reloaded.code();
        }
        lock.execute("COMMIT");

        assertThat(status).isEqualTo(200);
        assertThat(proxy.awaitUsageRows(2)).extracting(Usage::model).containsExactly("echo-1", "echo-2");
    }

    @Test
    void a_video_task_that_cannot_be_stored_in_time_is_a_503_to_retry_and_recorded_as_such() throws Exception {
        proxy.addModel(providerId, "mock-video", ModelType.VIDEO);

        lock.execute("BEGIN IMMEDIATE");
        int status;
        String retryAfter;
        String body;
        try (Response created = proxy.execute(proxy.post("/v1/videos", KEY,
                "{\"model\":\"mock-video\",\"prompt\":\"A lighthouse\"}"))) {
            status = created.code();
            retryAfter = created.header("Retry-After");
            body = created.body().string();
        }
        lock.execute("COMMIT");

        assertThat(status).isEqualTo(503);
        assertThat(retryAfter).isEqualTo("1");
        assertThat(ErrorBody.of(body).withoutMessage()).isEqualTo(ErrorBody.of("server_error", "database_busy", null));
        assertThat(proxy.awaitUsageRows(1)).singleElement()
                .returns(503, Usage::status)
                .returns("database_busy", Usage::errorCode);
    }
}
