package nexus.proxy.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import nexus.shared.db.ApiKey;
import nexus.shared.db.ApiKeyDao;
import nexus.shared.db.Database;
import nexus.shared.db.LedgerDao;
import nexus.shared.db.ModelPrices;
import nexus.shared.db.ModelType;
import nexus.shared.db.NewProvider;
import nexus.shared.db.NewProviderModel;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.ProviderModel;
import nexus.shared.db.ProviderModelDao;
import nexus.shared.db.Route;
import nexus.shared.db.RouteDao;
import nexus.shared.db.RouteTarget;
import nexus.shared.secret.KeyHash;

/**
 * {@code ./run.sh bench}: what Nexus adds to a request. Starts the {@link MockUpstreamMain mock upstream} and the
 * proxy (each its own JVM, the proxy with run.sh's JVM options, over a temporary database), optionally the Portkey
 * gateway as a peer, then runs each scenario against the mock directly and through each gateway, alternating, and
 * prints one table. Everything listens on loopback, every run is bounded, and the temporary folder is removed at
 * the end (kept with {@code --keep}, or when something failed).
 *
 * <p>Options: {@code --peer portkey}, {@code --only a,b,c,d,e,f}, {@code --duration S} (one measured run, default 5),
 * {@code --reps N} (measured runs per target and scenario, default 3), {@code --warmup S} (the most JIT warm-up,
 * default 40; it ends sooner once the proxy's compiler threads are quiet), {@code --quick} (2 s runs, 2 reps, at most
 * 8 s of warm-up: a smoke test), {@code --jfr DIR} (a JFR recording of the proxy
 * per scenario, with {@code --jfr-settings}, default {@code profile}, or a .jfc file), {@code --keep},
 * {@code --personal-key} (call with a provider's personalized key instead of an issued key with money and limits),
 * {@code --route} (call a route of one target, strategy priority, instead of the model it names: what a route adds).
 *
 * <p>Environment, set by run.sh: {@code NEXUS_BENCH_JAVA} (the java binary), {@code NEXUS_BENCH_PROXY_CP} (the
 * proxy's runtime classpath), {@code NEXUS_BENCH_PROXY_OPTS} (the proxy's JVM options).
 */
public final class BenchMain {

    /** Linux reports /proc CPU times in USER_HZ, which is 100 on every architecture Java runs on. */
    private static final double MILLIS_PER_TICK = 10.0;
    private static final long SETTLE_MILLIS = 250;
    private static final Duration BENCH_LIMIT = Duration.ofMinutes(15);
    private static final String UPSTREAM_KEY = "sk-bench-upstream";
    private static final String NEXUS_KEY = "nexus-bench-key";
    /** The key the bench calls with: an issued key with a balance and limits, on priced models (the full path). */
    private static final String ISSUED_KEY = "sk-nx-BenchKey0123456789abcdefghijklmnopqrstuvwxyz";
    private static final ModelPrices BENCH_PRICES = new ModelPrices(new BigDecimal("0.15"), new BigDecimal("0.60"),
            null, null, null, null, null);
    private static final String MODEL = "gpt-bench";
    private static final String SLOW_MODEL = "gpt-bench-slow";
    /** With {@code --route}, the names called instead of {@link #MODEL} and {@link #SLOW_MODEL}. */
    private static final String ROUTE = "bench-route";
    private static final String SLOW_ROUTE = "bench-route-slow";
    private static final int CHUNKS = 20;
    /** Data lines of one stream as a client sees it: role, content chunks, finish, [DONE] (no usage: not asked). */
    private static final int STREAM_EVENTS = CHUNKS + 3;
    private static final long SLOW_INTERVAL_MILLIS = 200;
    private static final int OPEN_STREAMS = 1_000;
    /** Scenario (e) opens its connections one per this many nanoseconds (all at once overflows a listen backlog). */
    private static final long OPEN_STREAMS_SPACING_NANOS = TimeUnit.MICROSECONDS.toNanos(1_000);
    /**
     * Scenario (f) waits this long between a response and the next request, as a chat app does: long enough for the
     * threads to fall idle and the proxy's usage batch to be written in between.
     */
    private static final long PAUSE_MILLIS = 100;
    private static final long WARMUP_SLICE_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long MIN_WARMUP_NANOS = TimeUnit.SECONDS.toNanos(8);

    private final Options options;
    private final Path work;
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, Long> sentThrough = new LinkedHashMap<>();
    private long nexusWarmupNanos;

    private BenchMain(Options options, Path work) {
        this.options = options;
        this.work = work;
    }

    /** Parsed command line. */
    record Options(boolean portkey, Set<Character> only, long durationNanos, int reps, long warmupNanos, Path jfrDir,
                   String jfrSettings, boolean keep, boolean personalKey, boolean route, String versus) {

        static Options parse(String[] args) {
            boolean portkey = false;
            Set<Character> only = new TreeSet<>(List.of('a', 'b', 'c', 'd', 'e', 'f'));
            double duration = 5;
            int reps = 3;
            double warmup = 40;
            Path jfr = null;
            String jfrSettings = "profile";
            boolean keep = false;
            boolean personalKey = false;
            boolean route = false;
            String versus = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--peer" -> {
                        String peer = args[++i];
                        if (!peer.equals("portkey")) {
                            throw new IllegalArgumentException("unknown peer '" + peer + "'; the one known is portkey");
                        }
                        portkey = true;
                    }
                    case "--only" -> {
                        only = new TreeSet<>();
                        for (String id : args[++i].split(",")) {
                            only.add(id.trim().charAt(0));
                        }
                    }
                    case "--duration" -> duration = Double.parseDouble(args[++i]);
                    case "--reps" -> reps = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                    case "--quick" -> {
                        duration = 2;
                        reps = 2;
                        warmup = 8;
                    }
                    case "--jfr" -> jfr = Path.of(args[++i]).toAbsolutePath();
                    case "--jfr-settings" -> jfrSettings = args[++i];
                    case "--keep" -> keep = true;
                    case "--personal-key" -> personalKey = true;
                    case "--route" -> route = true;
                    case "--versus" -> {
                        versus = args[++i];
                        if (!versus.equals("personal-key") && !versus.equals("route")) {
                            throw new IllegalArgumentException("--versus takes personal-key or route");
                        }
                    }
                    case "-h", "--help" -> {
                        System.out.println("./run.sh bench [--peer portkey] [--only a,b,c,d,e,f] [--duration S] [--reps N]"
                                + " [--warmup S] [--quick] [--jfr DIR [--jfr-settings profile|FILE.jfc]] [--keep] [--personal-key]"
                                + " [--route] [--versus personal-key|route]");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
                }
            }
            return new Options(portkey, only, (long) (duration * 1e9), reps, (long) (warmup * 1e9), jfr, jfrSettings,
                    keep, personalKey, route, versus);
        }
    }

    /** Where requests go and what the process serving them is. */
    record Target(String name, Process process, InetSocketAddress address, byte[] json, byte[] stream,
                  byte[] slowStream, int streamEvents) {

        byte[] request(Scenario scenario) {
            return !scenario.stream() ? json : scenario.slow() ? slowStream : stream;
        }
    }

    /** {@code pauseMillis}: how long each connection waits between a response and its next request (0: none). */
    record Scenario(char id, String title, boolean stream, boolean slow, int connections, boolean oncePerConnection,
                    long pauseMillis) {}

    /** The runs of one target in one scenario, added up, with the serving process's CPU and memory. */
    static final class Row {
        final String target;
        final LoadGenerator.Result result = new LoadGenerator.Result();
        long cpuTicks;
        long peakRssKib = -1;

        Row(String target) {
            this.target = target;
        }

        double cpuMillisPerRequest() {
            return result.requests == 0 ? Double.NaN : cpuTicks * MILLIS_PER_TICK / result.requests;
        }

        double p50Millis() {
            return result.latency.getValueAtPercentile(50) / 1e6;
        }

        double p99Millis() {
            return result.latency.getValueAtPercentile(99) / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path work = Files.createTempDirectory("nexus-bench-");
        BenchMain bench = new BenchMain(options, work);
        Runtime.getRuntime().addShutdownHook(new Thread(bench::stopAll, "bench-cleanup"));
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(BENCH_LIMIT.toMillis());
                System.err.println("bench: still running after " + BENCH_LIMIT.toMinutes() + " minutes; stopping");
                System.exit(3);
            } catch (InterruptedException e) {
                // finished in time
            }
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        boolean ok = false;
        try {
            bench.run();
            ok = true;
        } finally {
            bench.stopAll();
            if (ok && !options.keep()) {
                deleteTree(work);
            } else {
                System.out.println("Logs and database kept in " + work);
            }
        }
        System.exit(0);
    }

    private void run() throws Exception {
        long begin = System.nanoTime();
        say("Nexus benchmark: work folder " + work);

        Process mock = startMock();
        InetSocketAddress mockAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                Integer.parseInt(awaitLine(work.resolve("mock.out"), MockUpstreamMain.READY_PREFIX, mock,
                        Duration.ofSeconds(30)).trim()));
        List<Target> targets = new ArrayList<>();
        List<String> upstreamAuth = List.of("Authorization: Bearer " + UPSTREAM_KEY);
        targets.add(new Target("direct", mock, mockAddress,
                LoadGenerator.post(mockAddress, "/v1/chat/completions", body(MODEL, false), upstreamAuth),
                LoadGenerator.post(mockAddress, "/v1/chat/completions", body(MODEL, true), upstreamAuth),
                LoadGenerator.post(mockAddress, "/slow/v1/chat/completions", body(MODEL, true), upstreamAuth),
                STREAM_EVENTS));

        Target nexus = startNexus(mockAddress);
        targets.add(nexus);
        if (options.versus() != null) {  // the same proxy called the other way, alternating with the first
            boolean personal = options.versus().equals("personal-key");
            targets.add(nexusTarget(personal ? "nx-pkey" : "nx-route", nexus.process(), nexus.address(),
                    personal || options.personalKey(), !personal || options.route()));
        }

        if (options.portkey()) {
            Target portkey = startPortkey(mockAddress);
            if (portkey != null) {
                targets.add(portkey);
            }
        }

        for (Target target : targets) {
            sanityCheck(target);
        }
        warmUp(targets);

        List<Scenario> scenarios = Stream.of(
                        new Scenario('a', "JSON, c=1", false, false, 1, false, 0),
                        new Scenario('b', "JSON, c=64", false, false, 64, false, 0),
                        new Scenario('c', "stream " + CHUNKS + ", c=64", true, false, 64, false, 0),
                        new Scenario('d', "stream " + CHUNKS + ", c=1", true, false, 1, false, 0),
                        new Scenario('e', OPEN_STREAMS + " open streams", true, true, OPEN_STREAMS, true, 0),
                        new Scenario('f', "JSON, 1 per " + PAUSE_MILLIS + " ms", false, false, 1, false, PAUSE_MILLIS))
                .filter(scenario -> options.only().contains(scenario.id()))
                .toList();
        Map<Scenario, List<Row>> table = new LinkedHashMap<>();
        for (Scenario scenario : scenarios) {
            table.put(scenario, runScenario(scenario, targets));
        }

        String usageCheck = stopNexusAndCountUsage(nexus);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begin);
        print(table, targets, usageCheck, seconds);
    }

    // ---------------------------------------------------------------- processes

    private Process startMock() throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-Xms32m", "-Xmx256m",
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                MockUpstreamMain.class.getName(), "--chunks", String.valueOf(CHUNKS),
                "--interval-ms", String.valueOf(SLOW_INTERVAL_MILLIS)));
        return start(command, Map.of(), "mock");
    }

    private Target startNexus(InetSocketAddress mock) throws Exception {
        Path data = work.resolve("data");
        Database database = Database.open(data.resolve("nexus.db"));
        long now = System.currentTimeMillis();
        String base = "http://" + mock.getHostString() + ":" + mock.getPort();
        ProviderDao providers = database.dao(ProviderDao.class);
        ProviderModelDao models = database.dao(ProviderModelDao.class);
        long fast = providers.insert(new NewProvider("bench-mock", ProviderKind.OPENAI, base + "/v1", UPSTREAM_KEY,
                NEXUS_KEY, "the benchmark's mock upstream", true, now, ""));
        models.insert(new NewProviderModel(fast, MODEL, "", true, now, ModelType.CHAT, BENCH_PRICES,
                ProviderModel.DEFAULT_MAX_OUTPUT_TOKENS));
        long slow = providers.insert(new NewProvider("bench-mock-slow", ProviderKind.OPENAI, base + "/slow/v1",
                UPSTREAM_KEY, NEXUS_KEY, "the mock's slow streams", true, now, ""));
        models.insert(new NewProviderModel(slow, SLOW_MODEL, "", true, now, ModelType.CHAT, BENCH_PRICES,
                ProviderModel.DEFAULT_MAX_OUTPUT_TOKENS));
        for (ProviderModel model : models.listEnabled()) {
            models.updatePrices(model.id(), BENCH_PRICES);
        }
        issueBenchKey(database, now);
        if (options.route() || "route".equals(options.versus())) {
            oneTargetRoute(database, ROUTE, fast, MODEL, now);
            oneTargetRoute(database, SLOW_ROUTE, slow, SLOW_MODEL, now);
        }

        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(splitOptions(requiredEnv("NEXUS_BENCH_PROXY_OPTS")));
        command.addAll(List.of("-cp", requiredEnv("NEXUS_BENCH_PROXY_CP"), "nexus.proxy.ProxyMain"));
        Map<String, String> env = Map.of(
                "NEXUS_HOST", "127.0.0.1",
                "NEXUS_PROXY_PORT", String.valueOf(port),
                "NEXUS_DATA_DIR", data.toString(),
                "NEXUS_LOGS_DIR", work.resolve("logs").toString(),
                "NEXUS_MESSAGES_DIR", work.resolve("messages").toString(),
                "NEXUS_STORE_MESSAGES", "false");
        say("Starting the proxy: " + String.join(" ", command.subList(0, command.size() - 3)) + " … ProxyMain");
        Process proxy = start(command, env, "proxy");
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        awaitPort(address, proxy, Duration.ofSeconds(60));
        return nexusTarget("nexus", proxy, address, options.personalKey(), options.route());
    }

    /** The proxy called with the personalized or the issued key, for the routes of one target or the models. */
    private static Target nexusTarget(String name, Process proxy, InetSocketAddress address, boolean personalKey,
                                      boolean route) {
        List<String> auth = List.of("Authorization: Bearer " + (personalKey ? NEXUS_KEY : ISSUED_KEY));
        String model = route ? ROUTE : MODEL;
        String slowModel = route ? SLOW_ROUTE : SLOW_MODEL;
        return new Target(name, proxy, address,
                LoadGenerator.post(address, "/v1/chat/completions", body(model, false), auth),
                LoadGenerator.post(address, "/v1/chat/completions", body(model, true), auth),
                LoadGenerator.post(address, "/v1/chat/completions", body(slowModel, true), auth),
                STREAM_EVENTS);
    }

    /** A route of one target, a provider's model, with strategy priority and the default policy; its name. */
    private static String oneTargetRoute(Database database, String name, long providerId, String model, long now) {
        RouteDao routes = database.dao(RouteDao.class);
        long id = routes.insert(new Route(0, name, ModelType.CHAT, "priority", "the benchmark's route of one target",
                true, null, null, null, null, null, null, now, now));
        routes.insertTarget(new RouteTarget(id, 0, providerId, model, 1));
        say("Calling the route '" + name + "' (one target: " + model + ") instead of the model");
        return name;
    }

    /** An issued key with a large prepaid balance, a monthly cap and rpm/tpm limits the load never reaches. */
    private static void issueBenchKey(Database database, long now) {
        long limit = 1_000_000_000;
        long amount = 1_000_000L * 1_000_000_000L;  // a million units of currency, in nano-units
        database.inTransaction(handle -> {
            long id = handle.attach(ApiKeyDao.class).insert(new ApiKey(0, "bench", KeyHash.of(ISSUED_KEY),
                    "sk-nx-Benc…", true, "", (int) limit, (int) limit, null, true, amount, "", "", null, now, now));
            LedgerDao ledger = handle.attach(LedgerDao.class);
            ledger.insertTopupEntry(id, ledger.insertTopup(id, "bench", amount, "", now), amount, "", now);
            return id;
        });
    }

    /** Installs and starts the Portkey gateway; null (and says why) when node or npm is missing or it fails. */
    private Target startPortkey(InetSocketAddress mock) throws Exception {
        if (!onPath("node") || !onPath("npm")) {
            say("Portkey peer skipped: node and npm are needed (apt-get install nodejs npm)");
            return null;
        }
        Path folder = work.resolve("portkey");
        Files.createDirectories(folder);
        // Its streaming needs @hono/node-server 1.13.5; an override pins the gateway's own copy too.
        Files.writeString(folder.resolve("package.json"), """
                {"private": true,
                 "dependencies": {"@portkey-ai/gateway": "latest", "@hono/node-server": "1.13.5"},
                 "overrides": {"@hono/node-server": "1.13.5"}}
                """);
        say("Installing @portkey-ai/gateway from npm into " + folder + " …");
        Process install = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--ignore-scripts",
                "--loglevel=error")
                .directory(folder.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("npm.out").toFile())
                .start();
        if (!install.waitFor(5, TimeUnit.MINUTES) || install.exitValue() != 0) {
            install.destroyForcibly();
            say("Portkey peer skipped: npm install failed (see " + work.resolve("npm.out") + ")");
            return null;
        }
        Path server = folder.resolve("node_modules/@portkey-ai/gateway/build/start-server.js");
        String version = Files.readString(folder.resolve("node_modules/@portkey-ai/gateway/package.json"))
                .replaceAll("(?s).*\"version\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        int port = freePort();
        Process node = start(List.of("node", server.toString(), "--port=" + port, "--headless"), Map.of(), "portkey");
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        awaitPort(address, node, Duration.ofSeconds(60));
        String base = "http://" + mock.getHostString() + ":" + mock.getPort();
        List<String> headers = List.of("Authorization: Bearer " + UPSTREAM_KEY, "x-portkey-provider: openai",
                "x-portkey-custom-host: " + base + "/v1");
        List<String> slowHeaders = List.of("Authorization: Bearer " + UPSTREAM_KEY, "x-portkey-provider: openai",
                "x-portkey-custom-host: " + base + "/slow/v1");
        say("Portkey gateway " + version + " on node " + commandOutput("node", "--version") + " listening on port "
                + port);
        return new Target("portkey", node, address,
                LoadGenerator.post(address, "/v1/chat/completions", body(MODEL, false), headers),
                LoadGenerator.post(address, "/v1/chat/completions", body(MODEL, true), headers),
                LoadGenerator.post(address, "/v1/chat/completions", body(MODEL, true), slowHeaders),
                STREAM_EVENTS);
    }

    private Process start(List<String> command, Map<String, String> env, String name) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".out").toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("NEXUS_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        synchronized (processes) {
            processes.add(process);
        }
        return process;
    }

    /** Stops the proxy the way Ctrl-C does (it drains and writes pending usage), then counts the usage rows. */
    private String stopNexusAndCountUsage(Target nexus) throws Exception {
        nexus.process().destroy();
        if (!nexus.process().waitFor(40, TimeUnit.SECONDS)) {
            nexus.process().destroyForcibly();
            return "usage rows: not counted, the proxy did not stop within 40 s";
        }
        Database database = Database.open(work.resolve("data").resolve("nexus.db"));
        long rows = database.inTransaction(handle ->
                handle.createQuery("SELECT COUNT(*) FROM usage").mapTo(Long.class).one());
        long sent = sentThrough.entrySet().stream().filter(entry -> entry.getKey().equals("nexus")
                || entry.getKey().startsWith("nx-")).mapToLong(Map.Entry::getValue).sum();
        return "Usage rows recorded by the proxy: " + rows + " for " + sent + " requests sent through it"
                + (rows == sent ? " (all)" : " (MISSING " + (sent - rows) + ")");
    }

    private void stopAll() {
        List<Process> running;
        synchronized (processes) {
            running = new ArrayList<>(processes);
            processes.clear();
        }
        for (Process process : running) {
            process.destroy();
        }
        for (Process process : running) {
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------- runs

    private void sanityCheck(Target target) {
        for (boolean stream : new boolean[] {false, true}) {
            LoadGenerator.Result result = LoadGenerator.run(new LoadGenerator.Spec(target.address(),
                    stream ? target.stream() : target.json(), 1, 0, true,
                    stream ? LoadGenerator.Check.STREAM : LoadGenerator.Check.STATUS, target.streamEvents(),
                    TimeUnit.SECONDS.toNanos(10)));
            count(target, result);
            if (result.requests != 1) {
                throw new IllegalStateException(target.name() + " failed a " + (stream ? "streaming" : "JSON")
                        + " request: " + result.firstError + " (see " + work + ")");
            }
        }
    }

    /**
     * JIT warm-up: JSON and streams, at c=64 and at c=1 (an idle proxy runs code a busy one does not), through Nexus
     * in slices of {@link #WARMUP_SLICE_NANOS}, until the proxy's JIT compiler threads stay quiet (under 5% of each
     * slice) for a whole round of the four after at least {@link #MIN_WARMUP_NANOS}, or until {@code --warmup}
     * seconds (each way the proxy is called, for --versus); the mock and the peer get a fixed few seconds.
     */
    private void warmUp(List<Target> targets) {
        for (Target target : targets) {
            boolean nexus = target.name().equals("nexus") || target.name().startsWith("nx-");  // the proxy's own
            long begin = System.nanoTime();
            long limit = nexus ? options.warmupNanos() : Math.min(options.warmupNanos(), TimeUnit.SECONDS.toNanos(4));
            double roundCompilerShare = 0;
            for (int slice = 0; System.nanoTime() - begin < limit; slice++) {
                boolean stream = slice % 2 == 1;
                int concurrency = slice % 4 < 2 ? 64 : 1;
                long compilerBefore = compilerTicks(target.process());
                long sliceStart = System.nanoTime();
                LoadGenerator.Result result = LoadGenerator.run(new LoadGenerator.Spec(target.address(),
                        stream ? target.stream() : target.json(), concurrency, Math.min(WARMUP_SLICE_NANOS, limit),
                        false, stream ? LoadGenerator.Check.STREAM : LoadGenerator.Check.STATUS, target.streamEvents(),
                        TimeUnit.SECONDS.toNanos(30)));
                count(target, result);
                if (result.errors > 0) {
                    say("  warm-up of " + target.name() + ": " + result.errors + " errors, first: " + result.firstError);
                }
                roundCompilerShare = Math.max(roundCompilerShare, (compilerTicks(target.process()) - compilerBefore)
                        * MILLIS_PER_TICK * 1e6 / (System.nanoTime() - sliceStart));
                if (slice % 4 == 3) {
                    if (nexus && System.nanoTime() - begin >= MIN_WARMUP_NANOS && roundCompilerShare < 0.05) {
                        break;
                    }
                    roundCompilerShare = 0;
                }
            }
            if (nexus) {
                nexusWarmupNanos = System.nanoTime() - begin;
            }
            say(String.format(Locale.ROOT, "Warm-up of %s: %.0f s%s", target.name(),
                    (System.nanoTime() - begin) / 1e9, nexus ? String.format(Locale.ROOT,
                            " (JIT compiler threads busy at most %.0f%% of a slice in the last round)",
                            roundCompilerShare * 100) : ""));
        }
    }

    private List<Row> runScenario(Scenario scenario, List<Target> targets) throws Exception {
        say("(" + scenario.id() + ") " + scenario.title() + ": " + options.reps() + " runs per target, alternating");
        long duration = scenario.oncePerConnection() ? 0 : options.durationNanos();
        long drain = scenario.slow() ? TimeUnit.SECONDS.toNanos(60) : TimeUnit.SECONDS.toNanos(30);
        Map<String, Row> rows = new LinkedHashMap<>();
        if (!scenario.oncePerConnection()) {
            for (Target target : targets) {  // connections opened and code paths hot before measuring
                count(target, LoadGenerator.run(spec(scenario, target, Math.min(duration, TimeUnit.SECONDS.toNanos(1)),
                        drain)));
            }
        }
        for (Target target : targets) {
            rows.put(target.name(), new Row(target.name()));
            resetPeakRss(target.process());
        }
        Target nexus = targets.stream().filter(target -> target.name().equals("nexus")).findFirst().orElseThrow();
        String jfr = startJfr(scenario, nexus);
        for (int rep = 0; rep < options.reps(); rep++) {
            for (Target target : runOrder(targets, rep)) {
                long cpuBefore = cpuTicks(target.process());
                long connectionsBefore = mockConnections(targets.getFirst());
                LoadGenerator.Result result = LoadGenerator.run(spec(scenario, target, duration, drain));
                Thread.sleep(SETTLE_MILLIS);  // let the run's tail (usage batch, GC) land in its own figures
                Row row = rows.get(target.name());
                row.cpuTicks += cpuTicks(target.process()) - cpuBefore;
                row.result.add(result);
                count(target, result);
                say(String.format(Locale.ROOT, "  %-8s %9.0f req/s  p50 %8.3f ms  p99 %8.3f ms  mock connections"
                                + " opened %d%s", target.name(), result.perSecond(),
                        result.latency.getValueAtPercentile(50) / 1e6, result.latency.getValueAtPercentile(99) / 1e6,
                        mockConnections(targets.getFirst()) - connectionsBefore,
                        result.errors == 0 ? "" : "  errors " + result.errors + " (" + result.firstError + ")"));
            }
        }
        stopJfr(nexus, jfr);
        for (Target target : targets) {
            rows.get(target.name()).peakRssKib = peakRssKib(target.process());
        }
        return new ArrayList<>(rows.values());
    }

    /**
     * The order of one round of runs: direct first, then the gateways, in reverse every other round. So each gateway
     * runs as often right after direct (its process idle until then, the caches cold) as right after another gateway;
     * reversing the whole list instead let the second gateway follow itself and never direct, and an A/A run (the same
     * path in both rows) found it 2-5 % faster.
     */
    static List<Target> runOrder(List<Target> targets, int round) {
        List<Target> gateways = new ArrayList<>(targets.subList(1, targets.size()));
        if (round % 2 == 1) {
            java.util.Collections.reverse(gateways);
        }
        List<Target> order = new ArrayList<>(targets.size());
        order.add(targets.getFirst());
        order.addAll(gateways);
        return order;
    }

    /** How many connections the mock has accepted so far ({@code GET /stats}); -1 when it cannot tell. */
    private static long mockConnections(Target direct) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(direct.address(), 2_000);
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write(("GET /stats HTTP/1.1\r\nHost: " + direct.address().getHostString()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            StringBuilder answer = new StringBuilder();  // the mock keeps the connection: read up to the JSON's end
            byte[] buffer = new byte[512];
            int read;
            while (answer.indexOf("}") < 0 && (read = socket.getInputStream().read(buffer)) > 0) {
                answer.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
            }
            java.util.regex.Matcher count = java.util.regex.Pattern.compile("\"accepted_connections\":(\\d+)")
                    .matcher(answer);
            return count.find() ? Long.parseLong(count.group(1)) - 1 : -1;  // less this very connection
        } catch (IOException e) {
            return -1;
        }
    }

    private LoadGenerator.Spec spec(Scenario scenario, Target target, long durationNanos, long drainNanos) {
        return new LoadGenerator.Spec(target.address(), target.request(scenario), scenario.connections(), durationNanos,
                scenario.oncePerConnection(), scenario.stream() ? LoadGenerator.Check.STREAM
                : LoadGenerator.Check.STATUS, target.streamEvents(), drainNanos,
                scenario.slow() ? OPEN_STREAMS_SPACING_NANOS : 0, TimeUnit.MILLISECONDS.toNanos(scenario.pauseMillis()));
    }

    private void count(Target target, LoadGenerator.Result result) {
        sentThrough.merge(target.name(), result.sent, Long::sum);
    }

    // ---------------------------------------------------------------- JFR

    private String startJfr(Scenario scenario, Target nexus) throws Exception {
        if (options.jfrDir() == null) {
            return null;
        }
        Files.createDirectories(options.jfrDir());
        String name = "scenario-" + scenario.id();
        Path file = options.jfrDir().resolve(name + ".jfr");
        // CPU-time sampling (JDK 25+; older JDKs warn and record without it) also sees time in native code and
        // syscalls, which execution samples miss and so overstate the Java methods around them.
        jcmd(nexus, "JFR.start", "name=" + name, "settings=" + options.jfrSettings(), "jdk.CPUTimeSample#enabled=true",
                "jdk.CPUTimeSample#throttle=1ms", "filename=" + file);
        return name;
    }

    private void stopJfr(Target nexus, String name) throws Exception {
        if (name != null) {
            jcmd(nexus, "JFR.stop", "name=" + name);
            say("  JFR profile of the proxy: " + options.jfrDir().resolve(name + ".jfr"));
        }
    }

    private void jcmd(Target target, String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of(Path.of(java()).resolveSibling("jcmd").toString(),
                String.valueOf(target.process().pid())));
        line.addAll(Arrays.asList(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("jcmd.out").toFile())).start();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed; see " + work);
        }
    }

    // ---------------------------------------------------------------- /proc

    /** User plus system CPU time of a process (all its threads), in clock ticks. */
    static long cpuTicks(Process process) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);  // utime, stime: fields 14 and 15
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CPU time of a JVM's JIT compiler threads (C1, C2), in clock ticks; 0 for another process. */
    static long compilerTicks(Process process) {
        long ticks = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(process.pid()), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm"));
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        String stat = Files.readString(task.resolve("stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    }
                } catch (IOException threadGone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks;
    }

    /** The process's peak resident set size (VmHWM) in KiB. */
    static long peakRssKib(Process process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resets VmHWM to the current RSS, so the next reading is this scenario's peak (Linux 4.0+). */
    static void resetPeakRss(Process process) {
        try {
            Files.writeString(Path.of("/proc", String.valueOf(process.pid()), "clear_refs"), "5");
        } catch (IOException e) {
            // not allowed here: the peak then covers the whole run so far
        }
    }

    // ---------------------------------------------------------------- the table

    private void print(Map<Scenario, List<Row>> table, List<Target> targets, String usageCheck, long seconds) {
        StringBuilder out = new StringBuilder();
        out.append('\n').append("Nexus benchmark, ")
                .append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores (").append(cpuModel())
                .append("), Java ").append(Runtime.version().feature()).append('\n')
                .append("proxy JVM options: ").append(System.getenv().getOrDefault("NEXUS_BENCH_PROXY_OPTS", ""))
                .append('\n')
                .append(String.format(Locale.ROOT, "%d measured runs of %.0f s per target and scenario, alternating, after"
                        + " %.0f s of JIT warm-up through Nexus; the mock answers %d-chunk streams (one chunk every"
                        + " %d ms in (e))%n", options.reps(), options.durationNanos() / 1e9, nexusWarmupNanos / 1e9,
                        CHUNKS, SLOW_INTERVAL_MILLIS))
                .append("Nexus called with ").append(options.personalKey() ? "a personalized key" : "an issued key")
                .append(options.route() ? ", model: the route '" + ROUTE + "' of one target" : ", model: " + MODEL)
                .append(options.versus() == null ? "" : "; the same proxy called with "
                        + (options.versus().equals("personal-key") ? "a personalized key" : "the route '" + ROUTE
                        + "' of one target") + " as " + (options.versus().equals("personal-key") ? "nx-pkey" : "nx-route"))
                .append('\n').append('\n');
        String header = String.format(Locale.ROOT, "%-22s %-8s %9s %9s %9s %9s %9s %8s %9s %9s %7s",
                "scenario", "target", "req/s", "p50 ms", "p99 ms", "+p50 ms", "+p99 ms", "x direct", "CPU/req",
                "peak RSS", "errors");
        out.append(header).append('\n').append("-".repeat(header.length())).append('\n');
        for (Map.Entry<Scenario, List<Row>> entry : table.entrySet()) {
            Scenario scenario = entry.getKey();
            Row direct = entry.getValue().stream().filter(row -> row.target.equals("direct")).findFirst()
                    .orElseThrow();
            boolean first = true;
            for (Row row : entry.getValue()) {
                boolean isDirect = row == direct;
                out.append(String.format(Locale.ROOT, "%-22s %-8s %9.0f %9.3f %9.3f %9s %9s %8.2f %9s %9s %7d%n",
                        first ? "(" + scenario.id() + ") " + scenario.title() : "", row.target,
                        row.result.perSecond(), row.p50Millis(), row.p99Millis(),
                        isDirect ? "-" : String.format(Locale.ROOT, "%.3f", row.p50Millis() - direct.p50Millis()),
                        isDirect ? "-" : String.format(Locale.ROOT, "%.3f", row.p99Millis() - direct.p99Millis()),
                        row.result.perSecond() / direct.result.perSecond(),
                        String.format(Locale.ROOT, "%.3f ms", row.cpuMillisPerRequest()),
                        row.peakRssKib < 0 ? "?" : String.format(Locale.ROOT, "%d MiB", row.peakRssKib / 1024),
                        row.result.errors));
                first = false;
            }
        }
        out.append('\n').append("req/s: responses completed per second (streams/s for streams); p50/p99: time from"
                        + " writing the request to the last byte of the response;\n+p50/+p99: that row minus direct;"
                        + " x direct: req/s as a ratio of direct; CPU/req: CPU time (user+system) of the process"
                        + " serving the row\n(the mock for direct, the gateway otherwise) per request; peak RSS: its"
                        + " VmHWM during the scenario.\n(f) pauses " + PAUSE_MILLIS + " ms after each response, so its"
                        + " CPU/req includes what the process does meanwhile.\n");
        List<String> errors = new ArrayList<>();
        table.forEach((scenario, rows) -> rows.stream().filter(row -> row.result.firstError != null).forEach(row ->
                errors.add("(" + scenario.id() + ") " + row.target + ": " + row.result.firstError)));
        if (!errors.isEmpty()) {
            out.append("First error of each row with errors:\n");
            errors.forEach(line -> out.append("  ").append(line).append('\n'));
        }
        out.append('\n').append(usageCheck).append('\n');
        out.append("The bench took ").append(seconds / 60).append(" min ").append(seconds % 60).append(" s.\n");
        System.out.print(out);
        System.out.flush();
    }

    // ---------------------------------------------------------------- helpers

    private static String body(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful"
                + " assistant.\"},{\"role\":\"user\",\"content\":\"Say hello in twenty words, please.\"}],"
                + "\"temperature\":0.7,\"max_tokens\":64" + (stream ? ",\"stream\":true" : "") + "}";
    }

    private static String java() {
        String java = System.getenv("NEXUS_BENCH_JAVA");
        return java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String requiredEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: start the bench with ./run.sh bench");
        }
        return value;
    }

    private static List<String> splitOptions(String options) {
        return Arrays.stream(options.trim().split("\\s+")).filter(option -> !option.isEmpty()).toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Waits for a line starting with {@code prefix} in a process's output file; returns the rest of it. */
    private static String awaitLine(Path file, String prefix, Process process, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    int at = line.indexOf(prefix);
                    if (at >= 0) {
                        return line.substring(at + prefix.length());
                    }
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("a process stopped before it was ready; its output: "
                        + (Files.exists(file) ? Files.readString(file) : "(none)"));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("not ready within " + timeout + "; see " + file);
    }

    private static void awaitPort(InetSocketAddress address, Process process, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(address, 500);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the process meant to listen on port " + address.getPort()
                            + " stopped; see its output in the work folder");
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nothing listens on port " + address.getPort() + " after " + timeout);
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, command)));
    }

    private static String commandOutput(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor(10, TimeUnit.SECONDS);
            return output;
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: could not remove " + root + ": " + e.getMessage());
        }
    }
}
