package nexus.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import nexus.admin.AdminApp;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.Database;
import nexus.shared.json.Json;

/**
 * Contract test: the admin in this JVM and the proxy as a real separate process, on one SQLite file. The database
 * is their only contract: an admin change reaches the proxy on its next request, the proxy's usage reaches the
 * admin's stats, and the proxy process starts, refuses and stops as an operator sees it.
 */
class TwoProcessesTest {

    private static final MediaType JSON = MediaType.get("application/json");
    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final Duration START_LIMIT = Duration.ofSeconds(30);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    final OkHttpClient http = new OkHttpClient.Builder()
            .retryOnConnectionFailure(false)
            .connectTimeout(Duration.ofSeconds(2))
            .readTimeout(Duration.ofSeconds(10))
            .build();
    final List<Process> processes = new ArrayList<>();
    Database database;
    Javalin admin;
    int proxyPort;

    @BeforeEach
    void start_admin() throws IOException {
        NexusConfig config = NexusConfig.forTests(dir);
        database = Database.open(config.databaseFile());
        admin = AdminApp.create(config, database, Clock.systemUTC()).start("127.0.0.1", 0);
        proxyPort = freePort();
    }

    @AfterEach
    void stop_everything() throws InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly();
            process.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS);
        }
        admin.stop();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Test
    void admin_changes_reach_the_proxy_process_on_its_next_request_and_its_usage_reaches_the_admin_stats()
            throws Exception {
        Process proxy = startProxy("first");
        awaitHealthy(proxy, "first");

        long providerId = adminCall("POST", "/providers", """
                {"name":"Local mock","kind":"mock","server_url":"mock://local?chunks=2&delay_ms=0",
                 "personalized_key":"key-one","description":"two processes"}""")
                .expect(201).path("id").asLong();
        adminCall("POST", "/provider_models", "{\"provider_id\":" + providerId + ",\"model_name\":\"model-a\"}")
                .expect(201);
        assertThat(chat("key-one", "model-a", "hello a").expect(200)
                .at("/choices/0/message/content").asText()).isEqualTo("hello a");

        long modelB = adminCall("POST", "/provider_models",
                "{\"provider_id\":" + providerId + ",\"model_name\":\"model-b\"}").expect(201).path("id").asLong();
        assertThat(chat("key-one", "model-b", "hello b").expect(200)
                .at("/choices/0/message/content").asText()).isEqualTo("hello b");
        assertThat(proxyCall("GET", "/v1/models", "key-one", null).expect(200).path("data"))
                .extracting(model -> model.path("id").asText()).containsExactlyInAnyOrder("model-a", "model-b");

        adminCall("DELETE", "/provider_models/" + modelB, null).expect(204);
        assertThat(chat("key-one", "model-b", "gone").failure()).isEqualTo("404 model_not_found");

        adminCall("PUT", "/providers/" + providerId, "{\"personalized_key\":\"key-two\"}").expect(200);
        assertThat(chat("key-one", "model-a", "old key").failure()).isEqualTo("401 invalid_api_key");
        assertThat(chat("key-two", "model-a", "new key").expect(200)
                .at("/choices/0/message/content").asText()).isEqualTo("new key");

        // Three answers reached the mock; the 404 and the 401 were refused before it and are not usage.
        JsonNode stats = awaitAdmin(proxy, "/stats/total", total -> total.path("total_requests").asLong() >= 3);
        assertThat(stats.path("total_requests").asLong()).isEqualTo(3);
        assertThat(stats.path("total_tokens").asLong()).isPositive();
        assertThat(stats.path("by_model")).extracting(row -> row.path("model").asText() + "=" + row.path("requests"))
                .containsExactly("model-a=2", "model-b=1");
        assertThat(stats.path("by_provider")).singleElement()
                .satisfies(row -> assertThat(row.path("provider_name").asText()).isEqualTo("Local mock"));

        proxy.destroy();  // SIGTERM, as systemd, docker stop or Ctrl-C in run.sh would send
        assertThat(proxy.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS))
                .as("the proxy stops within %s of SIGTERM", STOP_LIMIT).isTrue();
        // 143 = 128 + SIGTERM: the JVM's exit status after its shutdown hooks ran to the end.
        assertThat(proxy.exitValue()).as("exit code after SIGTERM; stderr: %s", stderr("first")).isEqualTo(143);
        Path log = dir.resolve("logs").resolve("proxy.log");
        assertThat(log).exists();
        String lines = Files.readString(log);
        assertThat(lines).contains("Nexus proxy listening on http://127.0.0.1:" + proxyPort).contains("Nexus proxy stopped");
        assertThat(lines.lines().filter(line -> line.contains("nexus.proxy.access") && line.contains("status=200")))
                .hasSize(3);
        assertThat(lines).doesNotContain("key-one", "key-two", "hello a", "new key");  // no secrets, no content
    }

    @Test
    void a_second_proxy_on_the_same_port_fails_fast_with_exit_code_1_and_says_why() throws Exception {
        Process first = startProxy("first");
        awaitHealthy(first, "first");

        Process second = startProxy("second");

        assertThat(second.waitFor(START_LIMIT.toSeconds(), TimeUnit.SECONDS))
                .as("the second proxy gives up instead of waiting").isTrue();
        assertThat(second.exitValue()).isEqualTo(1);
        assertThat(stderr("second").lines()).anySatisfy(line -> assertThat(line)
                .contains("127.0.0.1:" + proxyPort).contains("already in use"));
        assertThat(first.isAlive()).isTrue();
        assertThat(proxyCall("GET", "/health", null, null).expect(200).path("status").asText()).isEqualTo("ok");
    }

    /**
     * Starts {@code ProxyMain} in a new JVM on this test's classpath minus test classes (their logback-test.xml
     * would replace the proxy's own logging) and minus the admin (not on a real proxy's classpath).
     */
    private Process startProxy(String name) throws IOException {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("-tests.jar"))
                .filter(entry -> !entry.contains("nexus-admin") && !entry.contains("admin" + File.separator + "target"))
                .collect(Collectors.joining(File.pathSeparator));
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", classPath, ProxyMain.class.getName())
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(variable -> variable.startsWith("NEXUS_"));
        env.put("NEXUS_HOST", "127.0.0.1");
        env.put("NEXUS_PROXY_PORT", Integer.toString(proxyPort));
        env.put("NEXUS_DATA_DIR", dir.resolve("data").toString());
        env.put("NEXUS_LOGS_DIR", dir.resolve("logs").toString());
        env.put("NEXUS_MESSAGES_DIR", dir.resolve("messages").toString());
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private void awaitHealthy(Process process, String name) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("The proxy exited with " + process.exitValue() + ": " + stderr(name));
            }
            try (Response response = http.newCall(new Request.Builder().url(proxyUrl("/health")).build()).execute()) {
                if (response.code() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                process.waitFor(50, TimeUnit.MILLISECONDS);  // the pause between polls, cut short if it exits
            }
        }
        throw new AssertionError("The proxy did not answer /health within " + START_LIMIT + ": " + stderr(name));
    }

    /**
     * Polls an admin GET, while the proxy runs, until its JSON satisfies the condition (the proxy writes usage off its
     * request path).
     */
    private JsonNode awaitAdmin(Process proxy, String path, Predicate<JsonNode> condition)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode body = adminCall("GET", path, null).expect(200);
        while (!condition.test(body) && System.nanoTime() < deadline) {
            if (proxy.waitFor(20, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("The proxy exited with " + proxy.exitValue() + ": " + stderr("first"));
            }
            body = adminCall("GET", path, null).expect(200);
        }
        return body;
    }

    private Reply chat(String key, String model, String text) throws IOException {
        return proxyCall("POST", "/v1/chat/completions", key, "{\"model\":\"" + model + "\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"" + text + "\"}]}");
    }

    private Reply adminCall(String method, String path, String json) throws IOException {
        return send(method, "http://127.0.0.1:" + admin.port() + path, null, json);
    }

    private Reply proxyCall(String method, String path, String key, String json) throws IOException {
        return send(method, proxyUrl(path), key, json);
    }

    private String proxyUrl(String path) {
        return "http://127.0.0.1:" + proxyPort + path;
    }

    private Reply send(String method, String url, String key, String json) throws IOException {
        Request.Builder request = new Request.Builder().url(url)
                .method(method, json == null ? null : RequestBody.create(json, JSON));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try (Response response = http.newCall(request.build()).execute()) {
            return new Reply(response.code(), response.body().string());
        }
    }

    private String stderr(String name) {
        try {
            return Files.readString(dir.resolve(name + ".err"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** One HTTP answer, read whole. */
    private record Reply(int status, String body) {

        JsonNode expect(int expected) throws IOException {
            assertThat(status).as("status of a reply with body %s", body).isEqualTo(expected);
            return MAPPER.readTree(body);
        }

        /** "status code", as a client branches on an error. */
        String failure() throws IOException {
            return status + " " + MAPPER.readTree(body).path("error").path("code").asText();
        }
    }
}
