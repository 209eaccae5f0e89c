package nexus.proxy.chat;

import java.util.List;

import nexus.proxy.health.Circuit;

/**
 * Which candidate a call tries next: the first untried one (in a route's order, else as listed) whose circuit lets a
 * request through; a route goes round again once every target was tried; for the first attempt when every circuit
 * is open, the target that failed least recently rather than none, so a total outage recovers by itself. One call,
 * one thread.
 */
final class TargetCursor {

    /** How many candidates a call considers at most (one bit each). */
    static final int MAX_CANDIDATES = Long.SIZE;

    private final int[] order;
    private final List<Circuit> circuits;
    private final boolean goesRound;
    private final int count;
    private long tried;
    private boolean pastOpenCircuit;

    /**
     * @param order     the indexes of the candidates in the order to try them, or null for as listed
     * @param goesRound true for a route, whose attempts may outnumber its targets
     */
    TargetCursor(int[] order, List<Circuit> circuits, boolean goesRound) {
        this.order = order;
        this.circuits = circuits;
        this.goesRound = goesRound;
        this.count = Math.min(order == null ? circuits.size() : order.length, MAX_CANDIDATES);
    }

    /** The index of the candidate attempt {@code number} goes to, its circuit acquired; -1 when none may be tried. */
    int next(int number) {
        int index = firstAllowed();
        if (index < 0 && goesRound && tried != 0) {
            tried = 0;
            index = firstAllowed();
        }
        pastOpenCircuit = index < 0 && number == 1;
        if (pastOpenCircuit) {
            index = leastRecentlyFailed();
        }
        if (index >= 0) {
            tried |= 1L << index;
        }
        return index;
    }

    /** True when the last candidate given was tried although its circuit was open, because every one's was. */
    boolean pastOpenCircuit() {
        return pastOpenCircuit;
    }

    private int firstAllowed() {
        for (int position = 0; position < count; position++) {
            int index = at(position);
            if ((tried & 1L << index) == 0 && circuits.get(index).tryAcquire()) {
                return index;
            }
        }
        return -1;
    }

    private int leastRecentlyFailed() {
        if (count == 0) {
            return -1;
        }
        int oldest = at(0);
        for (int position = 1; position < count; position++) {
            int index = at(position);
            if (circuits.get(index).lastFailureNanos() < circuits.get(oldest).lastFailureNanos()) {
                oldest = index;
            }
        }
        return oldest;
    }

    private int at(int position) {
        return order == null ? position : order[position];
    }
}
