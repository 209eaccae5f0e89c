package nexus.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.Javalin;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.Database;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderModel;
import nexus.shared.db.ProviderModelDao;
import nexus.shared.json.Json;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real admin app on port 0 over a fresh SQLite file, with a real HTTP client; close it after each test. Or, from
 * {@link #perTest}, a {@code @RegisterExtension} field that starts it over a new temporary directory before each test
 * and closes it and deletes the directory after.
 */
final class AdminServer implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

    /** The fixed time every row created through this server carries. */
    static final Instant NOW = Instant.parse("2026-11-21T22:43:17.456Z");

    private static final ObjectMapper MAPPER = Json.newMapper();

    private final OkHttpClient client = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    private final UnaryOperator<NexusConfig> configure;  // for perTest
    private Path dir;  // made by perTest
    private Database database;
    private Javalin app;
    private String baseUrl;

    private AdminServer(UnaryOperator<NexusConfig> configure) {
        this.configure = configure;
    }

    private AdminServer open(NexusConfig config, Duration busyTimeout) {
        this.database = Database.open(config.databaseFile(), busyTimeout);
        this.app = AdminApp.create(config, database, Clock.fixed(NOW, ZoneOffset.UTC)).start(config.bindHost(), 0);
        String host = config.bindHost().contains(":") ? "[" + config.bindHost() + "]" : config.bindHost();
        this.baseUrl = "http://" + host + ":" + app.port();
        return this;
    }

    static AdminServer start(Path dir) {
        return start(NexusConfig.forTests(dir));
    }

    static AdminServer start(NexusConfig config) {
        return new AdminServer(UnaryOperator.identity()).open(config, Database.DEFAULT_BUSY_TIMEOUT);
    }

    /** Over a database that waits at most {@code busyTimeout} for another connection's lock. */
    static AdminServer start(NexusConfig config, Duration busyTimeout) {
        return new AdminServer(UnaryOperator.identity()).open(config, busyTimeout);
    }

    /** For a {@code @RegisterExtension} field: the test defaults. */
    static AdminServer perTest() {
        return perTest(UnaryOperator.identity());
    }

    /** For a {@code @RegisterExtension} field: the test defaults changed by {@code configure}. */
    static AdminServer perTest(UnaryOperator<NexusConfig> configure) {
        return new AdminServer(configure);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("nexus-admin-test");
        open(configure.apply(NexusConfig.forTests(dir)), Database.DEFAULT_BUSY_TIMEOUT);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            if (app != null) {
                close();
            }
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    Database database() {
        return database;
    }

    int port() {
        return app.port();
    }

    Reply get(String path) {
        return send("GET", path, null);
    }

    Reply post(String path, String body) {
        return send("POST", path, body);
    }

    Reply put(String path, String body) {
        return send("PUT", path, body);
    }

    Reply delete(String path) {
        return send("DELETE", path, null);
    }

    /** Sends one request; header names and values alternate in {@code headers}. */
    Reply send(String method, String path, String body, String... headers) {
        if (body == null && (method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))) {
            body = "";
        }
        return sendBytes(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                "application/json", headers);
    }

    /**
     * Sends one request with the body's bytes as they are and the given {@code Content-Type} (none when null);
     * header names and values alternate in {@code headers}.
     */
    Reply sendBytes(String method, String path, byte[] body, String contentType, String... headers) {
        RequestBody requestBody = body == null ? null
                : RequestBody.create(body, contentType == null ? null : MediaType.get(contentType));
        Request.Builder request = new Request.Builder().url(baseUrl + path).method(method, requestBody);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try (Response response = client.newCall(request.build()).execute()) {
            return new Reply(response.code(), response.header("Content-Type"), response.body().string(),
                    response.header("Retry-After"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates a provider through the API and returns its id. */
    long createProvider(String name, String personalizedKey) {
        Reply reply = post("/providers", "{\"name\":\"" + name + "\",\"server_url\":\"https://api.example.com/v1\","
                + "\"server_key\":\"sk-upstream-secret-1234\",\"personalized_key\":\"" + personalizedKey + "\"}");
        return reply.expect(201).path("id").asLong();
    }

    /** Creates a model through the API and returns its id. */
    long createModel(long providerId, String modelName) {
        Reply reply = post("/provider_models", "{\"provider_id\":" + providerId + ",\"model_name\":\"" + modelName
                + "\"}");
        return reply.expect(201).path("id").asLong();
    }

    List<Provider> providerRows() {
        return database.dao(ProviderDao.class).listAll();
    }

    List<ProviderModel> modelRows(long providerId) {
        return database.dao(ProviderModelDao.class).listByProvider(providerId);
    }

    @Override
    public void close() {
        app.stop();
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    /** One HTTP answer, read whole. */
    record Reply(int status, String contentType, String body, String retryAfter) {

        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("Not JSON: " + body, e);
            }
        }

        /** The JSON body, after checking the status (the body is in the failure message). */
        JsonNode expect(int expectedStatus) {
            if (status != expectedStatus) {
                throw new AssertionError("Expected " + expectedStatus + " but got " + status + ": " + body);
            }
            return json();
        }

        /** The error as a client branches on it: status and the envelope's type, code and param. */
        Failure failure() {
            JsonNode error = json().path("error");
            return new Failure(status, error.path("type").textValue(), error.path("code").textValue(),
                    error.path("param").textValue());
        }

        String message() {
            return json().path("error").path("message").textValue();
        }
    }

    /** The parts of an error envelope a test compares. */
    record Failure(int status, String type, String code, String param) {

        static Failure invalid(String param) {
            return new Failure(400, "invalid_request_error", "invalid_request", param);
        }

        static Failure notFound(String param) {
            return new Failure(404, "invalid_request_error", "not_found", param);
        }

        static Failure of(int status, String code) {
            return new Failure(status, "invalid_request_error", code, null);
        }
    }
}
