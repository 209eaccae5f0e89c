package nexus.shared.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code upstream_health}: a row per circuit, the instance-wide one of a target and each route's own. */
class UpstreamHealthDaoTest {

    @TempDir
    Path dir;

    @Test
    void the_instance_wide_circuit_and_a_routes_own_of_one_target_are_rows_of_their_own() {
        UpstreamHealthDao health = Database.open(dir.resolve("nexus.db")).dao(UpstreamHealthDao.class);

        health.upsert(List.of(new UpstreamHealth(1, "gpt-4", "", "closed", "{}", 10),
                new UpstreamHealth(1, "gpt-4", "fast", "open", "{}", 10)));
        health.upsert(List.of(new UpstreamHealth(1, "gpt-4", "fast", "half_open", "{}", 20)));

        assertThat(health.listAll()).extracting(UpstreamHealth::route, UpstreamHealth::state,
                        UpstreamHealth::updatedAtMillis)
                .containsExactly(tuple("", "closed", 10L), tuple("fast", "half_open", 20L));
    }

    @Test
    void an_upgrade_keeps_each_published_row_as_an_instance_wide_one() throws Exception {
        Path file = dir.resolve("old.db");
        List<Path> before = migrations().takeWhile(script -> !script.toString().contains("upstream_health_route"))
                .toList();
        try (Handle handle = Jdbi.create("jdbc:sqlite:" + file).open()) {
            for (Path script : before) {
                for (String statement : Migrations.statements(Files.readString(script))) {
                    handle.execute(statement);
                }
            }
            handle.execute("PRAGMA user_version = " + before.size());
            handle.execute("INSERT INTO upstream_health (provider_id, model_name, state, report, updated_at_millis)"
                    + " VALUES (1, 'gpt-4', 'open', '{\"requests\":5}', 10)");
        }

        List<UpstreamHealth> rows = Database.open(file).dao(UpstreamHealthDao.class).listAll();

        assertThat(rows).containsExactly(new UpstreamHealth(1, "gpt-4", "", "open", "{\"requests\":5}", 10));
    }

    /** The migration scripts, in order. */
    private static Stream<Path> migrations() throws Exception {
        Path folder = Path.of(Migrations.class.getResource("/nexus/shared/db/migration/").toURI());
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList().stream();
        }
    }
}
