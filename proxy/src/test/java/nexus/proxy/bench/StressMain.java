package nexus.proxy.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The database stress test of the hardening issue, against a build of Nexus. Starts the admin and the proxy as
 * {@code ./run.sh} does (their own JVMs with run.sh's default options, on free ports, over a new temporary database),
 * seeds a {@code mock} provider, then for the given time runs admin writers (providers and models created, changed,
 * deleted), streaming chat clients through the proxy and CPU burners ({@code yes > /dev/null}); then stops the proxy
 * the way Ctrl-C does (it writes the usage rows still queued) and prints one line: the 5xx answers of each port, the
 * slowest admin request, and the usage rows against the streams answered whole (each must be exactly one row). Exits
 * 0 when there was no 5xx, no admin request took 2 s or more, and rows and answered requests match one to one.
 *
 * <p>Build first ({@code mvn -o -q package -DskipTests}), then from the repository root:
 * <pre>java -cp "proxy/target/test-classes:$(cat proxy/target/test-classpath.txt)" nexus.proxy.bench.StressMain \
 *     [--duration 60] [--writers 20] [--streams 32] [--burners 2] [--root DIR] [--keep]</pre>
 * {@code --root} is the Nexus checkout whose {@code admin/target} and {@code proxy/target} are run (default: here);
 * {@code NEXUS_ADMIN_JAVA_OPTS} and {@code NEXUS_PROXY_JAVA_OPTS} replace the JVM options, as for run.sh.
 */
public final class StressMain {

    private static final String COMMON_OPTS = "--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC"
            + " -XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=128m -XX:+ExitOnOutOfMemoryError"
            + " -XX:TrimNativeHeapInterval=1000 -XX:+UseCompactObjectHeaders";
    private static final String ADMIN_OPTS = COMMON_OPTS + " -Xms16m -Xmx128m -XX:TieredStopAtLevel=1";
    private static final String PROXY_OPTS = COMMON_OPTS + " -Xms40m -Xmx192m -Xmn32m";
    private static final long SLOW_ADMIN_MILLIS = 2_000;

    private StressMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of("--duration", "60", "--writers", "20", "--streams", "32",
                "--burners", "2", "--root", "."));
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--keep")) {
                keep = true;
            } else if (options.containsKey(args[i]) && i + 1 < args.length) {
                options.put(args[i], args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path root = Path.of(options.get("--root")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("nexus-stress");
        List<Process> processes = new ArrayList<>();
        boolean passed = false;
        try {
            int adminPort = freePort();
            int proxyPort = freePort();
            Map<String, String> env = Map.of("NEXUS_HOST", "127.0.0.1", "NEXUS_ADMIN_PORT", "" + adminPort,
                    "NEXUS_PROXY_PORT", "" + proxyPort, "NEXUS_DATA_DIR", work.resolve("data").toString(),
                    "NEXUS_LOGS_DIR", work.resolve("logs").toString(),
                    "NEXUS_MESSAGES_DIR", work.resolve("messages").toString(), "MALLOC_ARENA_MAX", "2");
            Process admin = start(processes, service(root, "admin", javaOptions("NEXUS_ADMIN_JAVA_OPTS", ADMIN_OPTS),
                    "nexus.admin.AdminMain"), env,
                    work.resolve("admin.out"));
            awaitHealth(adminPort, admin);  // first, so that it alone creates the schema
            Process proxy = start(processes, service(root, "proxy", javaOptions("NEXUS_PROXY_JAVA_OPTS", PROXY_OPTS),
                    "nexus.proxy.ProxyMain"), env,
                    work.resolve("proxy.out"));
            awaitHealth(proxyPort, proxy);

            StressLoad load = new StressLoad("http://127.0.0.1:" + adminPort, "http://127.0.0.1:" + proxyPort);
            load.seed();
            for (int i = 0; i < Integer.parseInt(options.get("--burners")); i++) {
                processes.add(new ProcessBuilder("yes").redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            long seconds = Long.parseLong(options.get("--duration"));
            List<Thread> threads = load.start(Integer.parseInt(options.get("--writers")),
                    Integer.parseInt(options.get("--streams")));
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));  // the run itself, not a wait for an outcome
            load.stop();
            for (Thread thread : threads) {
                thread.join(TimeUnit.MINUTES.toMillis(2));
            }
            load.close();
            proxy.destroy();  // SIGTERM: the proxy finishes and writes the usage rows still queued
            if (!proxy.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the proxy did not stop within 60 s");
            }
            passed = report(seconds, load, usageRequestIds(work.resolve("data").resolve("nexus.db")));
        } finally {
            for (Process process : processes) {
                process.destroy();
            }
            for (Process process : processes) {
                process.waitFor(30, TimeUnit.SECONDS);
            }
            if (keep || !passed) {
                System.err.println("Logs and database kept in " + work);
            } else {
                try (var paths = Files.walk(work)) {
                    paths.sorted(Collections.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
        System.exit(passed ? 0 : 1);
    }

    private static boolean report(long seconds, StressLoad load, List<String> rowIds) {
        List<Long> millis = new ArrayList<>(load.adminMillis);
        Collections.sort(millis);
        long maxAdmin = millis.isEmpty() ? 0 : millis.getLast();
        long p99Admin = millis.isEmpty() ? 0 : millis.get((int) Math.min(millis.size() - 1, millis.size() * 0.99));
        Set<String> distinct = new HashSet<>(rowIds);
        Set<String> missing = new HashSet<>(load.answered);
        missing.removeAll(distinct);
        Set<String> unanswered = new HashSet<>(distinct);
        unanswered.removeAll(load.answered);
        boolean rowsMatch = rowIds.size() == load.answered.size() && distinct.size() == rowIds.size()
                && missing.isEmpty();
        boolean passed = load.admin5xx.get() == 0 && load.proxy5xx.get() == 0 && maxAdmin < SLOW_ADMIN_MILLIS
                && rowsMatch;
        System.out.printf("stress %ds: %s | proxy 5xx=%d other=%d of %d, slowest %d ms | admin 5xx=%d other=%d of %d,"
                        + " max %d ms, p99 %d ms | usage rows=%d distinct=%d answered=%d missing=%d unanswered=%d%n",
                seconds, passed ? "PASS" : "FAIL", load.proxy5xx.get(), load.proxyOther.get(), load.proxyRequests.get(),
                load.proxyMaxMillis.get(), load.admin5xx.get(), load.adminOther.get(), load.adminRequests.get(),
                maxAdmin, p99Admin, rowIds.size(), distinct.size(), load.answered.size(), missing.size(),
                unanswered.size());
        return passed;
    }

    /** Read with plain JDBC, not through Database, which would migrate (and so clean) an older build's file. */
    private static List<String> usageRequestIds(Path file) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT request_id FROM usage")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    /** The JVM options of a service: as run.sh, from its variable when set, else run.sh's defaults. */
    private static String javaOptions(String variable, String defaults) {
        String set = System.getenv(variable);
        return set == null || set.isBlank() ? defaults : set.strip();
    }

    private static List<String> service(Path root, String module, String options, String main) throws IOException {
        Path target = root.resolve(module).resolve("target");
        String classpath = target.resolve("nexus-" + module + "-0.1.0.jar") + ":"
                + Files.readString(target.resolve("classpath.txt")).strip();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(options.split("\\s+")));
        command.addAll(List.of("-cp", classpath, main));
        return command;
    }

    private static Process start(List<Process> processes, List<String> command, Map<String, String> env, Path output)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("NEXUS_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private static void awaitHealth(int port, Process process) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);  // a poll interval
            }
        }
        throw new IllegalStateException("nothing healthy on port " + port + " (exit " +
                (process.isAlive() ? "none" : process.exitValue()) + ")");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
