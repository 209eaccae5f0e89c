package nexus.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;

import ch.qos.logback.classic.LoggerContext;
import io.javalin.util.JavalinBindException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.proxy.upstream.UpstreamHttp;
import nexus.shared.config.ConfigException;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.Database;

/** Starts the proxy process: the only code that reads the environment. */
public final class ProxyMain {

    private static final Logger log = LoggerFactory.getLogger(ProxyMain.class);

    private static final int EXIT_PORT_IN_USE = 1;
    private static final int EXIT_BAD_CONFIG = 2;

    private ProxyMain() {}

    public static void main(String[] args) {
        NexusConfig config;
        Database database;
        try {
            config = NexusConfig.fromEnv(System.getenv());
            Files.createDirectories(config.logsDir());
            database = Database.open(config.databaseFile(), config.secretKey());  // creates the data folder 0700
        } catch (ConfigException e) {
            refuse(EXIT_BAD_CONFIG, e.getMessage());
            return;
        } catch (IOException e) {
            refuse(EXIT_BAD_CONFIG, "cannot create the logs folder: " + e.getMessage());
            return;
        } catch (UncheckedIOException e) {
            refuse(EXIT_BAD_CONFIG, e.getMessage());
            return;
        }
        ProxyApp app = ProxyApp.create(config, database, UpstreamHttp.client(config), Clock.systemUTC());
        try {
            app.start(config.bindHost(), config.proxyPort());
        } catch (JavalinBindException e) {
            app.close(java.time.Duration.ZERO);
            refuse(EXIT_PORT_IN_USE, config.bindHost() + ":" + config.proxyPort()
                    + " is already in use (is another Nexus proxy running?)");
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Nexus proxy stopping: letting running requests finish");
            app.close();
            log.info("Nexus proxy stopped");
            ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();  // flush the queued log lines to the file
        }, "proxy-shutdown"));
        log.info("Nexus proxy listening on http://{}:{} (database {}, message storage {})", config.bindHost(),
                app.port(), config.databaseFile().toAbsolutePath(), config.storeMessages() ? "on" : "off");
    }

    private static void refuse(int exitCode, String reason) {
        System.err.println("Nexus proxy cannot start: " + reason);
        System.exit(exitCode);
    }
}
