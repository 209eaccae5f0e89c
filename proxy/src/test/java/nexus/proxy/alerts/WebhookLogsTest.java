package nexus.proxy.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import nexus.shared.db.AlertDelivery;
import nexus.shared.testing.LogCapture;

/** What alert webhooks log, at every level: key and row ids, never a webhook URL or secret. */
class WebhookLogsTest {

    private static final Logger ALERTS_LOG = (Logger) LoggerFactory.getLogger("nexus.proxy.alerts");

    @TempDir
    Path dir;
    private WebhookReceiver receiver;
    private SpendAlerts alerts;
    private LogCapture logs;

    @BeforeEach
    void start() throws Exception {
        ALERTS_LOG.setLevel(Level.ALL);
        logs = LogCapture.start();
        receiver = new WebhookReceiver(dir);
    }

    @AfterEach
    void stop() {
        alerts.close();
        receiver.close();
        logs.close();
        ALERTS_LOG.setLevel(null);
    }

    @Test
    void neither_the_webhook_url_nor_its_secret_is_logged_whatever_the_outcome() throws Exception {
        String url = receiver.url();
        String unreachable = "https://localhost:" + closedPort() + "/hooks/T0456/another-token";
        long answering = receiver.addKey("answering", url);
        long refused = receiver.addKey("refused", unreachable);
        alerts = receiver.alerts(Clock.systemUTC(), Duration.ofMillis(10));
        receiver.answer(500, 204);

        alerts.charged(receiver.capped(answering, url, 10, 0), receiver.capped(answering, url, 10, 5));
        alerts.charged(receiver.capped(refused, unreachable, 10, 0), receiver.capped(refused, unreachable, 10, 5));

        receiver.awaitNewest(answering, "delivered", 2);
        receiver.awaitNewest(refused, "failed", 2);
        List<String> lines = logged();
        assertThat(lines).anyMatch(line -> line.contains("delivery " + receiver.rows(answering).getFirst().id()))
                .anyMatch(line -> line.contains("key " + refused));
        String secretBase64 = receiver.secret.substring("whsec_".length());
        for (String secret : List.of(url, unreachable, WebhookReceiver.PATH, "T0456/another-token", "localhost",
                secretBase64)) {
            assertThat(lines).noneMatch(line -> line.contains(secret));
        }
        assertThat(Stream.of(answering, refused).flatMap(key -> receiver.rows(key).stream())
                .map(AlertDelivery::lastError).filter(error -> error != null))
                .containsExactly("the webhook host refused the connection");
    }

    /** Every message logged, with its stack trace if any. */
    private List<String> logged() {
        return Stream.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)
                .flatMap(level -> logs.at(level).stream())
                .map(WebhookLogsTest::text)
                .toList();
    }

    private static String text(ILoggingEvent event) {
        return event.getFormattedMessage()
                + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
