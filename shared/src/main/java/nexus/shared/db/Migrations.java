package nexus.shared.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.jdbi.v3.core.Jdbi;

/**
 * Brings the schema up to date, tracked by {@code PRAGMA user_version}. Idempotent and done in one IMMEDIATE
 * transaction, so either process may start first, or both at once.
 */
final class Migrations {

    /** In order; the n-th entry brings the schema to version n. Append, never edit. */
    private static final List<String> SCRIPTS = List.of("V001__init.sql", "V002__types_proxies_units.sql",
            "V003__video_tasks.sql", "V004__usage_request_id_unique.sql", "V005__keys_and_money.sql",
            "V006__alert_outbox.sql", "V007__responses.sql", "V008__conversations.sql",
            "V009__usage_billed.sql", "V010__routes_health_feedback.sql",
            "V011__usage_past_open_circuit.sql", "V012__upstream_health_route.sql");

    private Migrations() {}

    static void apply(Jdbi jdbi) {
        jdbi.useHandle(handle -> Transactions.immediate(handle.getConnection(), () -> {
            int version = handle.createQuery("PRAGMA user_version").mapTo(Integer.class).one();
            if (version > SCRIPTS.size()) {
                throw new IllegalStateException("The database schema (version " + version
                        + ") is newer than this Nexus (version " + SCRIPTS.size() + "); upgrade Nexus.");
            }
            for (int index = version; index < SCRIPTS.size(); index++) {
                for (String statement : statements(read(SCRIPTS.get(index)))) {
                    handle.execute(statement);
                }
                handle.execute("PRAGMA user_version = " + (index + 1));
            }
            return null;
        }));
    }

    /** Splits a script on the {@code ;} that ends a line, keeping trigger bodies (BEGIN … END;) whole. */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            boolean insideTrigger = current.indexOf("CREATE TRIGGER") >= 0 && !trimmed.endsWith("END;");
            if (trimmed.endsWith(";") && !insideTrigger) {
                statements.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (!current.isEmpty()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    private static String read(String name) {
        String path = "/nexus/shared/db/migration/" + name;
        try (InputStream in = Migrations.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Missing migration " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
