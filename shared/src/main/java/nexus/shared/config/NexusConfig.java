package nexus.shared.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Every setting either process reads at start, from environment variables with defaults.
 * Immutable; built once in main, or directly in tests.
 */
public record NexusConfig(
        String bindHost,
        int adminPort,
        int proxyPort,
        Path dataDir,
        Path logsDir,
        Path messagesDir,
        boolean storeMessages,
        String adminToken,
        Duration upstreamConnectTimeout,
        Duration upstreamReadTimeout,
        long maxRequestBytes,
        long maxBufferedBytes,
        List<String> allowedHosts,
        String secretKey,
        Duration clientIdleTimeout,
        String currency,
        Long routingSeed) {

    public static final long DEFAULT_MAX_REQUEST_BYTES = 20L * 1024 * 1024;
    /** How long a client connection may send or read nothing before it is closed (Jetty's default). */
    public static final Duration DEFAULT_CLIENT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** The one currency every price, cost and balance of the instance is in. */
    public static final String DEFAULT_CURRENCY = "USD";

    public NexusConfig {
        if (adminToken != null && adminToken.isBlank()) {
            adminToken = null;
        }
        if (secretKey != null && secretKey.isBlank()) {
            secretKey = null;
        }
        allowedHosts = List.copyOf(allowedHosts);
    }

    /**
     * The default cap on request bodies and WebSocket frames held in memory at once: a quarter of the heap, so that a
     * burst of large legal bodies is refused with 503 before it can exhaust memory.
     */
    public static long defaultMaxBufferedBytes() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    /** Reads the NEXUS_* variables; throws {@link ConfigException} naming the variable on a bad value. */
    public static NexusConfig fromEnv(Map<String, String> env) {
        return new NexusConfig(
                text(env, "NEXUS_HOST", "127.0.0.1"),
                port(env, "NEXUS_ADMIN_PORT", 8000),
                port(env, "NEXUS_PROXY_PORT", 5231),
                Path.of(text(env, "NEXUS_DATA_DIR", "data")),
                Path.of(text(env, "NEXUS_LOGS_DIR", "logs")),
                Path.of(text(env, "NEXUS_MESSAGES_DIR", "messages")),
                bool(env, "NEXUS_STORE_MESSAGES", false),
                env.get("NEXUS_ADMIN_TOKEN"),
                duration(env, "NEXUS_UPSTREAM_CONNECT_TIMEOUT", Duration.ofSeconds(10)),
                duration(env, "NEXUS_UPSTREAM_READ_TIMEOUT", Duration.ofSeconds(300)),
                bytes(env, "NEXUS_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES),
                bytes(env, "NEXUS_MAX_BUFFERED_BYTES", defaultMaxBufferedBytes()),
                list(env, "NEXUS_ALLOWED_HOSTS"),
                env.get("NEXUS_SECRET_KEY"),
                duration(env, "NEXUS_CLIENT_IDLE_TIMEOUT", DEFAULT_CLIENT_IDLE_TIMEOUT),
                currency(env, "NEXUS_CURRENCY"),
                seed(env, "NEXUS_ROUTING_SEED"));
    }

    /** Defaults for tests: loopback, ephemeral ports, everything under one folder. */
    public static NexusConfig forTests(Path root) {
        return new NexusConfig("127.0.0.1", 0, 0, root.resolve("data"), root.resolve("logs"),
                root.resolve("messages"), false, null, Duration.ofSeconds(5), Duration.ofSeconds(30),
                DEFAULT_MAX_REQUEST_BYTES, defaultMaxBufferedBytes(), List.of(), null, DEFAULT_CLIENT_IDLE_TIMEOUT,
                DEFAULT_CURRENCY, null);
    }

    public Path databaseFile() {
        return dataDir.resolve("nexus.db");
    }

    public NexusConfig withBindHost(String host) {
        return new NexusConfig(host, adminPort, proxyPort, dataDir, logsDir, messagesDir, storeMessages, adminToken,
                upstreamConnectTimeout, upstreamReadTimeout, maxRequestBytes, maxBufferedBytes, allowedHosts, secretKey,
                clientIdleTimeout, currency, routingSeed);
    }

    public NexusConfig withStoreMessages(boolean store) {
        return new NexusConfig(bindHost, adminPort, proxyPort, dataDir, logsDir, messagesDir, store, adminToken,
                upstreamConnectTimeout, upstreamReadTimeout, maxRequestBytes, maxBufferedBytes, allowedHosts, secretKey,
                clientIdleTimeout, currency, routingSeed);
    }

    public NexusConfig withAdminToken(String token) {
        return new NexusConfig(bindHost, adminPort, proxyPort, dataDir, logsDir, messagesDir, storeMessages, token,
                upstreamConnectTimeout, upstreamReadTimeout, maxRequestBytes, maxBufferedBytes, allowedHosts, secretKey,
                clientIdleTimeout, currency, routingSeed);
    }

    public NexusConfig withUpstreamTimeouts(Duration connect, Duration read) {
        return new NexusConfig(bindHost, adminPort, proxyPort, dataDir, logsDir, messagesDir, storeMessages, adminToken,
                connect, read, maxRequestBytes, maxBufferedBytes, allowedHosts, secretKey,
                clientIdleTimeout, currency, routingSeed);
    }

    public NexusConfig withMaxRequestBytes(long bytes) {
        return new NexusConfig(bindHost, adminPort, proxyPort, dataDir, logsDir, messagesDir, storeMessages, adminToken,
                upstreamConnectTimeout, upstreamReadTimeout, bytes, maxBufferedBytes, allowedHosts, secretKey,
                clientIdleTimeout, currency, routingSeed);
    }

    public NexusConfig withMaxBufferedBytes(long bytes) {
        return new NexusConfig(bindHost, adminPort, proxyPort, dataDir, logsDir, messagesDir, storeMessages, adminToken,
                upstreamConnectTimeout, upstreamReadTimeout, maxRequestBytes, bytes, allowedHosts, secretKey,
                clientIdleTimeout, currency, routingSeed);
    }

    public NexusConfig withAllowedHosts(List<String> hosts) {
        return new NexusConfig(bindHost, adminPort, proxyPort, dataDir, logsDir, messagesDir, storeMessages, adminToken,
                upstreamConnectTimeout, upstreamReadTimeout, maxRequestBytes, maxBufferedBytes, hosts, secretKey,
                clientIdleTimeout, currency, routingSeed);
    }

    public NexusConfig withSecretKey(String key) {
        return new NexusConfig(bindHost, adminPort, proxyPort, dataDir, logsDir, messagesDir, storeMessages, adminToken,
                upstreamConnectTimeout, upstreamReadTimeout, maxRequestBytes, maxBufferedBytes, allowedHosts, key,
                clientIdleTimeout, currency, routingSeed);
    }

    public NexusConfig withClientIdleTimeout(Duration timeout) {
        return new NexusConfig(bindHost, adminPort, proxyPort, dataDir, logsDir, messagesDir, storeMessages, adminToken,
                upstreamConnectTimeout, upstreamReadTimeout, maxRequestBytes, maxBufferedBytes, allowedHosts, secretKey,
                timeout, currency, routingSeed);
    }

    public NexusConfig withCurrency(String code) {
        return new NexusConfig(bindHost, adminPort, proxyPort, dataDir, logsDir, messagesDir, storeMessages, adminToken,
                upstreamConnectTimeout, upstreamReadTimeout, maxRequestBytes, maxBufferedBytes, allowedHosts, secretKey,
                clientIdleTimeout, code, routingSeed);
    }

    public NexusConfig withRoutingSeed(Long seed) {
        return new NexusConfig(bindHost, adminPort, proxyPort, dataDir, logsDir, messagesDir, storeMessages, adminToken,
                upstreamConnectTimeout, upstreamReadTimeout, maxRequestBytes, maxBufferedBytes, allowedHosts, secretKey,
                clientIdleTimeout, currency, seed);
    }

    /**
     * The random source routes draw their orders from: fixed by {@code routingSeed} (a test's repeatable run), else
     * seeded anew each start. Thread-safe.
     */
    public RandomGenerator routingRandom() {
        if (routingSeed == null) {
            return () -> ThreadLocalRandom.current().nextLong();
        }
        return new SeededRandom(routingSeed);
    }

    /** A seeded generator shared by every request thread, one draw at a time so a seed gives one sequence. */
    private static final class SeededRandom implements RandomGenerator {

        private final SplittableRandom random;

        SeededRandom(long seed) {
            this.random = new SplittableRandom(seed);
        }

        @Override
        public synchronized long nextLong() {
            return random.nextLong();
        }
    }

    /** True when the bind address only accepts connections from this machine. */
    public boolean bindsLoopbackOnly() {
        try {
            return InetAddress.getByName(bindHost).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String text(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** A comma-separated list, its items trimmed; empty when unset. */
    private static List<String> list(Map<String, String> env, String name) {
        String value = text(env, name, null);
        if (value == null) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::strip).filter(item -> !item.isEmpty()).toList();
    }

    /** A three-letter currency code such as USD or CNY, in capitals. */
    private static String currency(Map<String, String> env, String name) {
        String value = text(env, name, DEFAULT_CURRENCY);
        if (!value.matches("[A-Z]{3}")) {
            throw new ConfigException(name + " must be a three-letter currency code such as USD or CNY, got '"
                    + value + "'");
        }
        return value;
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        long value = number(env, name, fallback);
        if (value < 0 || value > 65_535) {
            throw new ConfigException(name + " must be a port number between 0 and 65535, got '" + env.get(name) + "'");
        }
        return (int) value;
    }

    private static long bytes(Map<String, String> env, String name, long fallback) {
        long value = number(env, name, fallback);
        if (value < 1024) {
            throw new ConfigException(name + " must be at least 1024 bytes, got '" + env.get(name) + "'");
        }
        return value;
    }

    private static long number(Map<String, String> env, String name, long fallback) {
        String value = text(env, name, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number, got '" + value + "'");
        }
    }

    /** A whole number, or null when unset. */
    private static Long seed(Map<String, String> env, String name) {
        return text(env, name, null) == null ? null : number(env, name, 0);
    }

    private static boolean bool(Map<String, String> env, String name, boolean fallback) {
        String value = text(env, name, null);
        if (value == null) {
            return fallback;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new ConfigException(name + " must be true or false, got '" + value + "'");
        };
    }

    /** Accepts plain seconds ("30") or a number with a unit: "500ms", "30s", "5m". */
    static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String value = text(env, name, null);
        if (value == null) {
            return fallback;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        try {
            Duration parsed;
            if (lower.endsWith("ms")) {
                parsed = Duration.ofMillis(Long.parseLong(lower.substring(0, lower.length() - 2)));
            } else if (lower.endsWith("s")) {
                parsed = Duration.ofSeconds(Long.parseLong(lower.substring(0, lower.length() - 1)));
            } else if (lower.endsWith("m")) {
                parsed = Duration.ofMinutes(Long.parseLong(lower.substring(0, lower.length() - 1)));
            } else {
                parsed = Duration.ofSeconds(Long.parseLong(lower));
            }
            if (parsed.isNegative() || parsed.isZero()) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a positive duration such as 30, 30s, 500ms or 5m, got '"
                    + value + "'");
        }
    }
}
