package nexus.proxy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Test helper: {@code ProxyMain} in a JVM of its own, on this test's classpath minus test classes and the admin, with
 * its folders under one directory; so a test can kill it as an operator's machine would.
 */
public final class ProxyProcess implements AutoCloseable {

    private static final Duration START_LIMIT = Duration.ofSeconds(30);

    private final Process process;
    private final Path dir;
    private final int port;

    private ProxyProcess(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Starts the proxy over {@code dir}'s data, logs and messages folders and waits until it answers /health. */
    public static ProxyProcess start(Path dir, OkHttpClient http) throws IOException, InterruptedException {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("-tests.jar"))
                .filter(entry -> !entry.contains("nexus-admin") && !entry.contains("admin" + File.separator + "target"))
                .collect(Collectors.joining(File.pathSeparator));
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classPath, ProxyMain.class.getName())
                .redirectOutput(dir.resolve("proxy.out").toFile())
                .redirectError(dir.resolve("proxy.err").toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(variable -> variable.startsWith("NEXUS_"));
        env.put("NEXUS_HOST", "127.0.0.1");
        env.put("NEXUS_PROXY_PORT", Integer.toString(port));
        env.put("NEXUS_DATA_DIR", dir.resolve("data").toString());
        env.put("NEXUS_LOGS_DIR", dir.resolve("logs").toString());
        env.put("NEXUS_MESSAGES_DIR", dir.resolve("messages").toString());
        ProxyProcess proxy = new ProxyProcess(builder.start(), dir, port);
        proxy.awaitHealthy(http);
        return proxy;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** SIGKILL: no shutdown hook runs, nothing queued is written. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(15, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private void awaitHealthy(OkHttpClient http) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("The proxy exited with " + process.exitValue() + ": " + stderr());
            }
            try (Response response = http.newCall(new Request.Builder().url(url("/health")).build()).execute()) {
                if (response.code() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                process.waitFor(50, TimeUnit.MILLISECONDS);  // the pause between polls, cut short if it exits
            }
        }
        throw new AssertionError("The proxy did not answer /health within " + START_LIMIT + ": " + stderr());
    }

    private String stderr() {
        try {
            return Files.readString(dir.resolve("proxy.err"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
