package nexus.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.shared.db.Database;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.UpstreamHealth;
import nexus.shared.db.UpstreamHealthDao;
import nexus.shared.json.Json;

class HealthPublisherTest {

    private static final Provider PROVIDER = new Provider(7, "Seven", ProviderKind.OPENAI, "http://127.0.0.1:1/v1",
            "sk-server", "client-key", "", true, 0, "");

    @TempDir
    Path dir;

    @Test
    void a_start_clears_what_an_earlier_run_published_and_a_forgotten_circuits_row_goes_at_the_next_publish() {
        Database database = Database.open(dir.resolve("nexus.db"));
        UpstreamHealthDao rows = database.dao(UpstreamHealthDao.class);
        rows.upsert(List.of(new UpstreamHealth(3, "gone-model", "", "open", "{}", 1L)));
        TargetHealth health = TargetHealth.withDefaults();
        try (HealthPublisher publisher = new HealthPublisher(database, health, Clock.systemUTC(), Json.newMapper(),
                () -> { })) {
            publisher.start();
            assertThat(rows.listAll()).as("an earlier run's breakers are not this run's").isEmpty();

            health.circuit(PROVIDER, "gpt-4").succeeded(12, -1);
            health.circuit(PROVIDER, "gpt-4", "steady", new HealthSettings(1, Duration.ofSeconds(60),
                    Duration.ofSeconds(30), Duration.ofMinutes(10))).succeeded(15, -1);
            health.forgetUnused();
            assertThat(publisher.publish()).isEqualTo(2);
            assertThat(rows.listAll()).extracting(UpstreamHealth::route).containsExactly("", "steady");

            health.circuit(PROVIDER, "gpt-4");  // the next load uses the shared circuit only
            health.forgetUnused();
            publisher.publish();

            assertThat(rows.listAll()).extracting(UpstreamHealth::modelName, UpstreamHealth::route)
                    .containsExactly(tuple("gpt-4", ""));
            assertThat(health.circuits()).extracting(Circuit::route).containsExactly("");
        }
    }
}
