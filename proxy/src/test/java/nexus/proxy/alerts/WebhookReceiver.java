package nexus.proxy.alerts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

import nexus.shared.db.AlertDelivery;
import nexus.shared.db.AlertDeliveryDao;
import nexus.shared.db.ApiKey;
import nexus.shared.db.ApiKeyDao;
import nexus.shared.db.Database;
import nexus.shared.json.Json;
import nexus.shared.money.Money;

/**
 * Test helper: a webhook receiver over real HTTPS (a test CA the client trusts), a database file with keys whose
 * webhook points at it, and snapshots of their money. Close it after each test.
 */
final class WebhookReceiver implements AutoCloseable {

    static final YearMonth DECEMBER = YearMonth.of(2026, 12);
    static final String PATH = "/hooks/T0123/token-in-the-path";
    private static final ObjectMapper MAPPER = Json.newMapper();

    final MockWebServer server = new MockWebServer();
    final OkHttpClient client;
    final String secret = "whsec_" + Base64.getEncoder().encodeToString(randomBytes());
    private final Path file;
    private Database database;

    WebhookReceiver(Path dir) throws IOException {
        HeldCertificate certificate = new HeldCertificate.Builder().addSubjectAlternativeName("localhost").build();
        server.useHttps(new HandshakeCertificates.Builder().heldCertificate(certificate).build().sslSocketFactory());
        server.start();
        HandshakeCertificates trusted = new HandshakeCertificates.Builder()
                .addTrustedCertificate(certificate.certificate()).build();
        client = new OkHttpClient.Builder().sslSocketFactory(trusted.sslSocketFactory(), trusted.trustManager())
                .build();
        file = dir.resolve("data").resolve("nexus.db");
        database = Database.open(file);
    }

    String url() {
        return server.url(PATH).toString();
    }

    Database database() {
        return database;
    }

    /** Opens the database file anew, as a restarted process does. */
    Database reopen() {
        database = Database.open(file);
        return database;
    }

    SpendAlerts alerts(Clock clock, Duration... retryDelays) {
        return new SpendAlerts(database, client, clock, "USD", new RetrySchedule(List.of(retryDelays)));
    }

    /** A key whose alerts go to this receiver (or nowhere, for an empty URL). */
    long addKey(String name, String url) {
        return database.dao(ApiKeyDao.class).insert(new ApiKey(0, name, "hash-" + name, "sk-nx-" + name, true, "",
                null, null, null, true, null, url, url.isEmpty() ? "" : secret, null, 1L, 1L));
    }

    /** A capped key's money in December: {@code spent} of {@code cap}, in whole units. */
    SpendSnapshot capped(long keyId, String url, long cap, double spent) {
        return capped(keyId, url, cap, spent, DECEMBER);
    }

    SpendSnapshot capped(long keyId, String url, long cap, double spent, YearMonth month) {
        return new SpendSnapshot(keyId, "key-" + keyId, url, secret, cap * Money.NANOS,
                Math.round(spent * Money.NANOS), month, null, null, 0);
    }

    /** A metered key's money in December: {@code balance} left of top-up {@code topupId} of {@code topup} units. */
    SpendSnapshot metered(long keyId, String url, double balance, long topup, long topupId) {
        return new SpendSnapshot(keyId, "key-" + keyId, url, secret, null, 0, DECEMBER,
                Math.round(balance * Money.NANOS), topup * Money.NANOS, topupId);
    }

    void answer(int... statuses) {
        for (int status : statuses) {
            server.enqueue(new MockResponse.Builder().code(status).build());
        }
    }

    /** The next webhook received, failing after 10 seconds. */
    RecordedRequest take() throws InterruptedException {
        RecordedRequest request = server.takeRequest(10, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("No webhook arrived within 10 s");
        }
        return request;
    }

    static JsonNode json(RecordedRequest request) {
        try {
            return MAPPER.readTree(request.getBody().utf8());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<AlertDelivery> rows(long keyId) {
        return database.dao(AlertDeliveryDao.class).listByKey(keyId);
    }

    /** Waits until the key's newest delivery has this status and this many attempts. */
    void awaitNewest(long keyId, String status, int attempts) {
        await(() -> rows(keyId).stream().findFirst()
                .filter(row -> row.status().equals(status) && row.attempts() == attempts).isPresent());
    }

    /** Waits up to 10 seconds for the condition, looking every 10 ms. */
    static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The condition did not hold within 10 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    @Override
    public void close() {
        server.close();
        client.connectionPool().evictAll();
    }
}
