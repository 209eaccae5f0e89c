package nexus.proxy.chat;

import nexus.proxy.billing.Admission;
import nexus.proxy.health.Circuit;
import nexus.proxy.routing.Target;
import nexus.proxy.routing.bandit.BanditStats;
import nexus.proxy.upstream.UpstreamFailures;
import nexus.shared.error.ApiError;

/**
 * Tells a target's circuit and the learning router how an attempt at it ended, and whether the failover may move on.
 * Thread-safe.
 */
final class TargetVerdicts {

    private final BanditStats learned;

    TargetVerdicts(BanditStats learned) {
        this.learned = learned;
    }

    /**
     * An attempt that returned, by the status its usage row recorded: an answer that broke off after the client got
     * its first byte is a failure (too late to retry), one whose client left is no verdict (a probe lets the next
     * request probe), any other answered.
     */
    void returned(Target target, Circuit circuit, Admission admission, long tookMillis, long firstTokenMillis) {
        int status = admission.endedStatus();
        if (status == StreamRelay.CLIENT_CLOSED) {
            circuit.released();
        } else if (status >= 400) {
            circuit.failed(tookMillis, "The answer broke off after it began: " + admission.endedErrorCode()
                    + " (HTTP " + status + ")");
            learned.failed(target.provider().id(), target.model());
        } else {
            circuit.succeeded(tookMillis, firstTokenMillis);  // an answer's reward is its rating, if it gets one
        }
    }

    /**
     * An attempt that failed before the client got a byte: true when another target may answer (a retryable failure,
     * or a refused server key, which marks the target misconfigured); false for an error of the request itself.
     */
    boolean failed(Target target, Circuit circuit, ApiError error, long tookMillis) {
        if (UpstreamFailures.refusedServerKey(error)) {
            circuit.misconfigured(tookMillis, error.getMessage());
            return true;
        }
        if (retryable(error.status())) {
            circuit.failed(tookMillis, error.getMessage());
            learned.failed(target.provider().id(), target.model());
            return true;
        }
        circuit.released();
        return false;
    }

    /** True for the failures another target may not have: the upstream's overload, errors and timeouts. */
    static boolean retryable(int status) {
        return switch (status) {
            case 408, 409, 429, 500, 502, 503, 504, 529 -> true;
            default -> false;
        };
    }
}
