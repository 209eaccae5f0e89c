package nexus.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.javalin.Javalin;
import io.javalin.util.JavalinBindException;
import nexus.shared.config.ConfigException;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.Database;

/** Starts the admin process: the only code that reads the environment. */
public final class AdminMain {

    private static final Logger log = LoggerFactory.getLogger(AdminMain.class);

    private static final int EXIT_PORT_IN_USE = 1;
    private static final int EXIT_BAD_CONFIG = 2;

    private AdminMain() {}

    public static void main(String[] args) {
        NexusConfig config;
        try {
            config = NexusConfig.fromEnv(System.getenv());
        } catch (ConfigException e) {
            refuse(EXIT_BAD_CONFIG, e.getMessage());
            return;
        }
        if (!config.bindsLoopbackOnly() && config.adminToken() == null) {
            refuse(EXIT_BAD_CONFIG, "NEXUS_HOST=" + config.bindHost() + " is not a loopback address; set "
                    + "NEXUS_ADMIN_TOKEN to expose the admin API beyond this machine");
            return;
        }
        Database database;
        try {
            Files.createDirectories(config.logsDir());
            database = Database.open(config.databaseFile(), config.secretKey());  // creates the data folder 0700
        } catch (IOException e) {
            refuse(EXIT_BAD_CONFIG, "cannot create the logs folder: " + e.getMessage());
            return;
        } catch (UncheckedIOException e) {
            refuse(EXIT_BAD_CONFIG, e.getMessage());
            return;
        } catch (ConfigException e) {
            refuse(EXIT_BAD_CONFIG, e.getMessage());
            return;
        }
        Javalin app = AdminApp.create(config, database, Clock.systemUTC());
        try {
            app.start(config.bindHost(), config.adminPort());
        } catch (JavalinBindException e) {
            app.stop();
            refuse(EXIT_PORT_IN_USE, config.bindHost() + ":" + config.adminPort()
                    + " is already in use (is another Nexus admin running?)");
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "admin-shutdown"));
        log.info("Nexus admin listening on http://{}:{} (database {})", config.bindHost(), app.port(),
                config.databaseFile().toAbsolutePath());
    }

    private static void refuse(int exitCode, String reason) {
        System.err.println("Nexus admin cannot start: " + reason);
        System.exit(exitCode);
    }
}
