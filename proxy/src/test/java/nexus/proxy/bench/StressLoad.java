package nexus.proxy.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The clients of {@link StressMain}: admin writers that create, change and delete providers and models, and
 * streaming chat clients through the proxy, each on a platform thread of its own until {@link #stop()}. Counts what
 * each port answered and how long every admin request took. Thread-safe.
 */
final class StressLoad {

    static final String KEY = "stress-key";
    static final String MODEL = "echo-1";
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String CHAT = "{\"model\":\"" + MODEL + "\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Count the rows, every one of them, exactly once.\"}]}";

    private final OkHttpClient client = new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(128, 1, TimeUnit.MINUTES))
            .readTimeout(Duration.ofSeconds(60)).retryOnConnectionFailure(false).build();
    private final ObjectMapper mapper = new ObjectMapper();
    private final String admin;
    private final String proxy;
    private volatile boolean stopped;

    final AtomicLong adminRequests = new AtomicLong();
    final AtomicLong admin5xx = new AtomicLong();
    final AtomicLong adminOther = new AtomicLong();  // neither 2xx nor 5xx
    final ConcurrentLinkedQueue<Long> adminMillis = new ConcurrentLinkedQueue<>();
    final AtomicLong proxyRequests = new AtomicLong();
    final AtomicLong proxy5xx = new AtomicLong();
    final AtomicLong proxyOther = new AtomicLong();  // not a 5xx, yet not a whole stream either
    final AtomicLong proxyMaxMillis = new AtomicLong();
    /** The request ids of streams answered whole: each must be exactly one usage row. */
    final Set<String> answered = ConcurrentHashMap.newKeySet();

    StressLoad(String admin, String proxy) {
        this.admin = admin;
        this.proxy = proxy;
    }

    /** Creates the mock provider and model the streaming clients use. */
    void seed() throws IOException {
        long provider = adminCall("POST", "/providers", "{\"name\":\"Stress\",\"kind\":\"mock\",\"personalized_key\":\""
                + KEY + "\"}").path("id").asLong();
        adminCall("POST", "/provider_models", "{\"provider_id\":" + provider + ",\"model_name\":\"" + MODEL + "\"}");
    }

    List<Thread> start(int writers, int streams) {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            int writer = i;
            threads.add(Thread.ofPlatform().name("admin-writer-" + i).start(() -> loop(() -> write(writer))));
        }
        for (int i = 0; i < streams; i++) {
            threads.add(Thread.ofPlatform().name("stream-" + i).start(() -> loop(this::stream)));
        }
        return threads;
    }

    void stop() {
        stopped = true;
    }

    void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    private interface Step {
        void run() throws IOException;
    }

    private void loop(Step step) {
        while (!stopped) {
            try {
                step.run();
            } catch (IOException | RuntimeException e) {
                if (!stopped) {
                    System.err.println(Thread.currentThread().getName() + ": " + e);
                }
            }
        }
    }

    /** One round of an admin writer: a provider and a model created, changed and deleted. */
    private void write(int writer) throws IOException {
        long provider = adminCall("POST", "/providers", "{\"name\":\"Writer " + writer + "\",\"kind\":\"mock\","
                + "\"personalized_key\":\"writer-" + writer + "\"}").path("id").asLong();
        long model = adminCall("POST", "/provider_models", "{\"provider_id\":" + provider
                + ",\"model_name\":\"model-" + writer + "\"}").path("id").asLong();
        adminCall("PUT", "/provider_models/" + model, "{\"description\":\"changed\"}");
        adminCall("PUT", "/providers/" + provider, "{\"description\":\"changed\",\"enabled\":false}");
        adminCall("GET", "/providers/" + provider + "/models", null);
        adminCall("DELETE", "/provider_models/" + model, null);
        adminCall("DELETE", "/providers/" + provider, null);
    }

    private JsonNode adminCall(String method, String path, String body) throws IOException {
        Request request = new Request.Builder().url(admin + path)
                .method(method, body == null ? null : RequestBody.create(body, JSON)).build();
        long start = System.nanoTime();
        try (Response response = client.newCall(request).execute()) {
            String text = response.body().string();
            adminMillis.add((System.nanoTime() - start) / 1_000_000);
            adminRequests.incrementAndGet();
            if (response.code() >= 500) {
                admin5xx.incrementAndGet();
                System.err.println("admin " + method + " " + path + " answered " + response.code() + ": " + text);
            } else if (response.code() >= 300) {
                adminOther.incrementAndGet();
            }
            return text.isEmpty() ? mapper.nullNode() : mapper.readTree(text);
        }
    }

    private void stream() throws IOException {
        Request request = new Request.Builder().url(proxy + "/v1/chat/completions")
                .header("Authorization", "Bearer " + KEY).post(RequestBody.create(CHAT, JSON)).build();
        long start = System.nanoTime();
        try (Response response = client.newCall(request).execute()) {
            String text = response.body().string();
            proxyMaxMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
            proxyRequests.incrementAndGet();
            if (response.code() >= 500) {
                proxy5xx.incrementAndGet();
                System.err.println("proxy answered " + response.code() + ": " + text);
            } else if (response.code() == 200 && text.strip().endsWith("data: [DONE]")) {
                answered.add(response.header("X-Request-Id"));
            } else {
                proxyOther.incrementAndGet();
            }
        }
    }
}
