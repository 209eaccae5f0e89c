package nexus.proxy.health;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import nexus.shared.db.Database;
import nexus.shared.db.UpstreamHealth;
import nexus.shared.db.UpstreamHealthDao;

/**
 * Writes the state and report of every circuit that changed to {@code upstream_health}, a row per circuit (a target's
 * instance-wide one and each route's own), at most once a second, from a thread of its own: never on a request's path.
 * Start once, close once.
 */
public final class HealthPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthPublisher.class);
    private static final long PERIOD_MILLIS = 1_000;

    private final UpstreamHealthDao upstreamHealth;
    private final TargetHealth health;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final Runnable afterWrite;
    private final ScheduledExecutorService timer;

    /** @param afterWrite run after each write, so the next request does not pay for noticing this commit */
    public HealthPublisher(Database database, TargetHealth health, Clock clock, ObjectMapper mapper,
                           Runnable afterWrite) {
        this.upstreamHealth = database.dao(UpstreamHealthDao.class);
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> Thread.ofPlatform()
                .name("health-publisher").daemon(true).unstarted(database.keepingConnection(runnable)));
        this.health = health;
        this.clock = clock;
        this.mapper = mapper;
        this.afterWrite = afterWrite;
    }

    /** Clears what an earlier run published (its breakers' states died with it), then publishes once a second. */
    public void start() {
        try {
            upstreamHealth.deleteAll();
        } catch (RuntimeException e) {  // stale rows until their breakers publish again: no reason not to start
            log.warn("Clearing the upstream health an earlier run published failed: {}", e.getMessage());
        }
        timer.scheduleWithFixedDelay(this::publishQuietly, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Deletes the rows of the circuits no longer in use, then writes the circuits that changed since the last write;
     * answers how many it wrote.
     */
    public int publish() {
        List<Circuit> forgotten = health.takeForgotten();
        if (!forgotten.isEmpty()) {
            upstreamHealth.delete(forgotten.stream().map(Circuit::providerId).toList(),
                    forgotten.stream().map(Circuit::model).toList(), forgotten.stream().map(Circuit::route).toList());
        }
        List<UpstreamHealth> rows = new ArrayList<>();
        long now = clock.millis();
        for (Circuit circuit : health.circuits()) {
            if (circuit.takeChanged()) {
                rows.add(new UpstreamHealth(circuit.providerId(), circuit.model(), circuit.route(),
                        circuit.state().wireName(), report(circuit), now));
            }
        }
        if (!rows.isEmpty()) {
            upstreamHealth.upsert(rows);
        }
        if (!rows.isEmpty() || !forgotten.isEmpty()) {
            afterWrite.run();
        }
        return rows.size();
    }

    private String report(Circuit circuit) {
        HealthWindow.Report report = circuit.report();
        ObjectNode json = mapper.createObjectNode();
        json.put("requests", report.requests());
        json.put("error_rate", report.errorRate());
        json.put("p50_ms", report.p50Millis());
        json.put("p95_ms", report.p95Millis());
        json.put("ttft_p50_ms", report.ttftP50Millis());
        json.put("last_error", circuit.lastError());
        return json.toString();
    }

    private void publishQuietly() {
        try {
            publish();
        } catch (RuntimeException e) {
            log.warn("Publishing upstream health failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
