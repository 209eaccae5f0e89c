package nexus.proxy.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import nexus.admin.AdminApp;
import nexus.proxy.ProxyServer;
import nexus.shared.db.Database;
import nexus.shared.db.ProviderModelDao;
import nexus.shared.json.Json;

/**
 * Test helper: a real admin app on a random port over the same database file as a proxy, opened on its own
 * connection as the admin process would, to issue keys, price models and top up over HTTP. Close it after the test.
 */
final class AdminDesk implements AutoCloseable {

    private static final MediaType JSON = MediaType.get("application/json");
    private static final ObjectMapper MAPPER = Json.newMapper();

    private final OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    private final Database database;
    private final Javalin app;

    private AdminDesk(ProxyServer proxy) {
        database = Database.open(proxy.config().databaseFile());
        app = AdminApp.create(proxy.config(), database, Clock.systemUTC()).start("127.0.0.1", 0);
    }

    /** An admin over {@code proxy}'s database file. */
    static AdminDesk over(ProxyServer proxy) {
        return new AdminDesk(proxy);
    }

    /** An issued key: its id and the full key, answered once by {@code POST /keys}. */
    record IssuedKey(long id, String fullKey) {}

    /** {@code POST /keys} with the given settings (a JSON object's body without braces, or ""), expecting 201. */
    IssuedKey issue(String settings) {
        JsonNode created = call("POST", "/keys", "{\"name\":\"friend\"" + (settings.isEmpty() ? "" : "," + settings)
                + "}", 201);
        return new IssuedKey(created.path("key").path("id").asLong(), created.path("full_key").textValue());
    }

    /** {@code PUT /provider_models/{id}} with prices (a JSON object's body without braces) for a provider's model. */
    void price(long providerId, String model, String prices) {
        long id = database.dao(ProviderModelDao.class).findByName(providerId, model).orElseThrow().id();
        call("PUT", "/provider_models/" + id, "{" + prices + "}", 200);
    }

    /** {@code POST /keys/{id}/topups}, expecting 201; answers the body (with the new balance). */
    JsonNode topUp(long keyId, String amount, String idempotencyKey) {
        return call("POST", "/keys/" + keyId + "/topups", "{\"amount\":\"" + amount + "\",\"idempotency_key\":\""
                + idempotencyKey + "\"}", 201);
    }

    /** One admin call whose status must be {@code status}; its JSON body (empty for none). */
    JsonNode call(String method, String path, String json, int status) {
        Request request = new Request.Builder().url("http://127.0.0.1:" + app.port() + path)
                .method(method, json == null ? null : RequestBody.create(json, JSON)).build();
        try (Response response = http.newCall(request).execute()) {
            String body = response.body().string();
            assertThat(response.code()).as("%s %s answered %s", method, path, body).isEqualTo(status);
            return body.isEmpty() ? MAPPER.createObjectNode() : MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        app.stop();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
