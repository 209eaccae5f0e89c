package nexus.proxy.chat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.random.RandomGenerator;

import nexus.proxy.AnswerHeaders;
import nexus.proxy.billing.Admission;
import nexus.proxy.health.Circuit;
import nexus.proxy.routing.Candidates;
import nexus.proxy.routing.RoutePlan;
import nexus.proxy.routing.Target;
import nexus.proxy.routing.TargetOrder;
import nexus.proxy.routing.Try;
import nexus.proxy.routing.bandit.BanditStats;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.shared.config.NexusConfig;
import nexus.shared.db.RouteStrategy;
import nexus.shared.error.ApiError;

/**
 * Tries a call's candidate targets in order until one answers: open circuits are skipped, a retryable failure before
 * the client got a byte moves on to the next target at once, up to {@code maxAttempts} and while less than
 * {@code deadline} has passed since the first failure. A route's candidates are ordered by its strategy, may set
 * their own attempts and deadline, and are tried again from the start when attempts outnumber them, after the wait
 * the failed answer asked for (else a backoff). Each attempt is admitted at its own target's prices and records its
 * own usage row; every attempt's outcome is told to its target's circuit (also an answer that broke off, or whose
 * client left, after it began: the status of its usage row says so). A route's {@code first_token_timeout_ms}
 * limits each attempt's wait for its stream's first chunk: past it, the upstream call is cancelled and counts as a
 * timeout, and the next target is tried. Thread-safe.
 */
public final class ChatFailover {

    public static final String PROVIDER_HEADER = "X-Nexus-Provider";
    public static final String MODEL_HEADER = "X-Nexus-Model";
    public static final String ATTEMPTS_HEADER = "X-Nexus-Attempts";
    public static final String ROUTE_HEADER = "X-Nexus-Route";
    /** How many targets one call tries at most. */
    public static final int MAX_ATTEMPTS = 3;

    /**
     * One attempt of a chat call, at the target, admission and attempt number the call carries: answers the client,
     * and returns when its first content arrived (0: none, or JSON). A {@code retryable} attempt begins a stream only
     * once its first chunk arrived, so a failure before it may still go to the next target.
     */
    @FunctionalInterface
    public interface Attempt {
        long run(ChatCall call, boolean retryable);
    }

    /** The same for a call of any kind, built by the attempt from its target, admission and {@link Try}. */
    @FunctionalInterface
    public interface TargetAttempt {
        long run(Target target, Admission admission, Try tried, boolean retryable);
    }

    private final int maxAttempts;
    private final long deadlineNanos;
    private final Map<RouteStrategy, TargetOrder> orders;
    private final RetryDelay delays;
    private final TargetVerdicts verdicts;
    private final UpstreamWatchdog watchdog;

    /**
     * @param orders   how each route strategy orders its targets
     * @param learned  told of each attempt's outcome at a target, for the learning router
     * @param watchdog holds a route's attempts to its limit on the wait for a stream's first chunk
     */
    public ChatFailover(int maxAttempts, long deadlineNanos, Map<RouteStrategy, TargetOrder> orders,
                        RandomGenerator random, BanditStats learned, UpstreamWatchdog watchdog) {
        this.verdicts = new TargetVerdicts(learned);
        this.watchdog = watchdog;
        this.maxAttempts = maxAttempts;
        this.deadlineNanos = deadlineNanos;
        this.orders = Map.copyOf(orders);
        this.delays = new RetryDelay(random);
    }

    /**
     * {@link #MAX_ATTEMPTS} attempts, fallbacks started within the upstream read timeout after the first failure,
     * routes ordered by {@code orders}.
     */
    public static ChatFailover withDefaults(NexusConfig config, Map<RouteStrategy, TargetOrder> orders,
                                            BanditStats learned, UpstreamWatchdog watchdog) {
        return new ChatFailover(MAX_ATTEMPTS, config.upstreamReadTimeout().toNanos(), orders, config.routingRandom(),
                learned, watchdog);
    }

    /** Names the target that answers (or failed last) in the answer's headers. */
    private static void describe(AnswerHeaders headers, Target target, int attempts) {
        headers.set(PROVIDER_HEADER, target.provider().name());
        headers.set(MODEL_HEADER, target.model());
        headers.set(ATTEMPTS_HEADER, attempts == 1 ? "1" : Integer.toString(attempts));
    }

    /**
     * Serves a chat call: {@code call} is its first attempt's call (its admission is not used); each attempt's call is
     * that one at its target, admission and {@link Try}. {@code stream}: the answer is streamed (so a route's order
     * weighs time to first token).
     */
    public void serve(ChatCall call, Candidates candidates, boolean stream, Function<Target, Admission> admit,
                      AnswerHeaders headers, Attempt attempt) {
        serve(candidates, stream, admit, headers, (target, admission, tried, retryable) ->
                attempt.run(call.retarget(target, admission, tried), retryable));
    }

    /**
     * Serves a call of any kind: a plain model name one target serves is admitted and called once, as it always was;
     * otherwise the candidates are tried in turn until one answers, and the last failure is thrown when none did (at
     * once an error not worth retrying). {@code stream} tells a route's order whether time to first token matters.
     */
    public void serve(Candidates candidates, boolean stream, Function<Target, Admission> admit,
                      AnswerHeaders headers, TargetAttempt attempt) {
        if (candidates.single()) {
            Target target = candidates.first();
            Admission admission = admit.apply(target);
            describe(headers, target, 1);
            admission.serve(headers, () -> attempt.run(target, admission, Try.FIRST, false));
            return;
        }
        RoutePlan plan = candidates.route();
        if (plan == null || plan.firstTokenTimeoutNanos() == 0) {
            tryInTurn(candidates, stream, admit, headers, attempt);
            return;
        }
        try (var limited = watchdog.firstEventWithin(plan.firstTokenTimeoutNanos())) {
            tryInTurn(candidates, stream, admit, headers, attempt);
        }
    }

    private void tryInTurn(Candidates candidates, boolean stream, Function<Target, Admission> admit,
                           AnswerHeaders headers, TargetAttempt attempt) {
        List<Target> targets = candidates.targets();
        List<Circuit> circuits = candidates.circuits();
        RoutePlan plan = candidates.route();
        int attempts = maxAttempts;
        long deadline = deadlineNanos;
        String routeName = null;
        TargetCursor cursor;
        if (plan == null) {
            cursor = new TargetCursor(null, circuits, false);
        } else {
            routeName = plan.name();
            headers.set(ROUTE_HEADER, routeName);
            cursor = new TargetCursor(orders.get(plan.strategy()).order(candidates, stream), circuits, true);
            attempts = plan.maxAttempts() > 0 ? plan.maxAttempts() : maxAttempts;
            deadline = plan.deadlineNanos() > 0 ? plan.deadlineNanos() : deadlineNanos;
        }
        ApiError[] failures = plan == null ? null
                : new ApiError[Math.min(targets.size(), TargetCursor.MAX_CANDIDATES)];
        int retries = 0;
        long firstFailureNanos = 0;
        ApiError last = null;
        for (int number = 1; number <= attempts; number++) {
            if (number > 1 && System.nanoTime() - firstFailureNanos >= deadline) {
                break;
            }
            int index = cursor.next(number);
            if (index < 0) {
                break;
            }
            if (failures != null && failures[index] != null
                    && !waited(delays.millis(failures[index], retries++), firstFailureNanos, deadline)) {
                circuits.get(index).released();
                break;
            }
            Target target = targets.get(index);
            Circuit circuit = circuits.get(index);
            describe(headers, target, number);
            Admission admission;
            try {
                admission = admit.apply(target);
            } catch (RuntimeException refused) {
                circuit.released();
                throw refused;
            }
            if (number == 1) {
                admission.writeHeaders(headers);
            }
            long started = System.nanoTime();
            try {
                long firstContent = attempt.run(target, admission,
                        new Try(number, routeName, cursor.pastOpenCircuit()), true);
                verdicts.returned(target, circuit, admission, millisSince(started, System.nanoTime()),
                        firstContent == 0 ? -1 : millisSince(started, firstContent));
                return;
            } catch (ApiError error) {
                if (!verdicts.failed(target, circuit, error, millisSince(started, System.nanoTime()))) {
                    throw error;
                }
                last = error;
                if (failures != null) {
                    failures[index] = error;
                }
                firstFailureNanos = firstFailureNanos == 0 ? System.nanoTime() : firstFailureNanos;
            } catch (RuntimeException other) {
                circuit.released();
                throw other;
            } finally {
                admission.release();
            }
        }
        if (last != null) {
            throw last;
        }
        throw plan != null ? ApiError.noHealthyTarget(plan.name()) : ApiError.upstreamUnavailable(
                "No upstream provider of the model '" + targets.getFirst().model() + "' could be tried.");
    }

    /** Waits {@code millis} before retrying a target; false (without waiting) when that would pass the deadline. */
    private static boolean waited(long millis, long firstFailureNanos, long deadlineNanos) {
        long waitNanos = TimeUnit.MILLISECONDS.toNanos(millis);
        if (System.nanoTime() + waitNanos - firstFailureNanos >= deadlineNanos) {
            return false;
        }
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long millisSince(long startNanos, long endNanos) {
        return TimeUnit.NANOSECONDS.toMillis(endNanos - startNanos);
    }
}
