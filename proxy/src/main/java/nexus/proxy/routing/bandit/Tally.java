package nexus.proxy.routing.bandit;

/**
 * A target's decayed counts as they stood at {@code asOfMillis}; immutable, so a reader never sees half an update.
 * {@code decayPerMilli} is ln 2 divided by the half-life in milliseconds.
 */
record Tally(double up, double down, double failures, long asOfMillis) {

    static final Tally EMPTY = new Tally(0, 0, 0, 0);

    /** The counts as they stand at {@code nowMillis} (never earlier than they were taken). */
    Evidence at(long nowMillis, double decayPerMilli) {
        double factor = factor(nowMillis, decayPerMilli);
        return new Evidence(up * factor, down * factor, failures * factor);
    }

    /**
     * These counts plus an event of weight {@code weight} (negative to take one back; no count goes below 0) that
     * happened at {@code atMillis}, as of {@code nowMillis}.
     */
    Tally plus(Kind kind, double weight, long atMillis, long nowMillis, double decayPerMilli) {
        long asOf = Math.max(asOfMillis, nowMillis);
        double factor = factor(asOf, decayPerMilli);
        double added = weight * Math.exp(-decayPerMilli * (asOf - atMillis));
        return new Tally(add(up * factor, kind == Kind.UP, added), add(down * factor, kind == Kind.DOWN, added),
                add(failures * factor, kind == Kind.FAILURE, added), asOf);
    }

    /** What an event counts as. */
    enum Kind { UP, DOWN, FAILURE }

    private double factor(long nowMillis, double decayPerMilli) {
        return nowMillis <= asOfMillis ? 1 : Math.exp(-decayPerMilli * (nowMillis - asOfMillis));
    }

    private static double add(double count, boolean matches, double added) {
        return matches ? Math.max(0, count + added) : count;
    }
}
